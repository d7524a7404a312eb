"""AWS credentials for the app: short-lived, from Vercel's OIDC token.

On Vercel, each function invocation carries an OIDC token (VERCEL_OIDC_TOKEN);
with AWS_ROLE_ARN set, the app exchanges it for the role's credentials
(AssumeRoleWithWebIdentity), so no access key exists anywhere. Elsewhere (local
runs, tests) boto3's default chain is used unchanged.
"""

import os
import time
from dataclasses import dataclass

import boto3
from botocore.config import Config

RETRIES = Config(
    retries={"mode": "standard", "max_attempts": 10}, connect_timeout=5, read_timeout=60
)
"""botocore's standard retries (throttling and 5xx, with backoff) for every client of the app."""
_REFRESH_MARGIN_SECONDS = 300


@dataclass
class _Cached:
    session: boto3.Session
    expires_at: float


_cache: dict[str, _Cached] = {}


def session() -> boto3.Session:
    role_arn = os.environ.get("AWS_ROLE_ARN")
    token = os.environ.get("VERCEL_OIDC_TOKEN")
    if not (role_arn and token):
        return boto3.Session()
    cached = _cache.get(role_arn)
    if cached is not None and cached.expires_at - _REFRESH_MARGIN_SECONDS > time.time():
        return cached.session
    sts = boto3.client("sts", config=RETRIES)
    credentials = sts.assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="crms-ops-app", WebIdentityToken=token
    )["Credentials"]
    assumed = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    _cache[role_arn] = _Cached(assumed, credentials["Expiration"].timestamp())
    return assumed

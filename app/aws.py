"""AWS credentials for the app: short-lived, from Vercel's OIDC token, and bounded calls.

On Vercel each request carries an OIDC token in its x-vercel-oidc-token header
(app.oidc); with AWS_ROLE_ARN set, the app exchanges it for the role's credentials
(STS AssumeRoleWithWebIdentity), so no access key exists anywhere. Without a token it
refuses plainly: it never falls back to the function's own AWS_* variables, which
Vercel documents as granting no permissions. Without AWS_ROLE_ARN (local runs, tests)
boto3's default chain is used unchanged, except on a Vercel deployment.
"""

import os
import threading
import time
from dataclasses import dataclass

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as AwsConnectionError

from app.oidc import HEADER, current_token

SERVICES = frozenset({"s3", "sts", "cloudwatch"})
"""Every AWS service the app makes a client of: the deployed function carries botocore's
models of these only (crms_infra/bundle/build_output.py; a test ties this set to the app's
clients)."""
CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 3
MAX_ATTEMPTS = 2
MAX_FIRST_BACKOFF_SECONDS = 1
"""botocore's standard mode waits random() * 2 ** (attempt - 1) s before a retry: at most 1 s
before the second attempt (botocore/retries/standard.py, ExponentialBackoff)."""
RETRIES = Config(
    retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
    connect_timeout=CONNECT_TIMEOUT_SECONDS,
    read_timeout=READ_TIMEOUT_SECONDS,
)
"""Every AWS client of the app: an unreachable AWS fails one call within
WORST_CASE_CALL_SECONDS, well inside the shortest maxDuration of any stack (a test ties them),
instead of the 24 s that ten attempts with backoff took."""
WORST_CASE_CALL_SECONDS = (
    MAX_ATTEMPTS * (CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS) + MAX_FIRST_BACKOFF_SECONDS
)
_REFRESH_MARGIN_SECONDS = 300


class CredentialsError(Exception):
    """The role's credentials cannot be had; the message says why (never the token)."""


@dataclass
class _Cached:
    session: boto3.Session
    expires_at: float


_cache: dict[str, _Cached] = {}
_lock = threading.Lock()


def session() -> boto3.Session:
    """The app's session: the role's short-lived credentials when AWS_ROLE_ARN is set."""
    role_arn = os.environ.get("AWS_ROLE_ARN")
    if not role_arn:
        if os.environ.get("VERCEL_ENV") in ("production", "preview"):
            raise CredentialsError("AWS_ROLE_ARN is not set: the function has no AWS role")
        return boto3.Session()
    with _lock:
        cached = _cache.get(role_arn)
        if cached is not None and cached.expires_at - _REFRESH_MARGIN_SECONDS > time.time():
            return cached.session
    token = current_token()
    if token is None:
        raise CredentialsError(
            f"no Vercel OIDC token came with the request ({HEADER} header): "
            "cannot assume AWS_ROLE_ARN"
        )
    # Anonymous on purpose: the exchange needs no credentials, and must not use ambient ones.
    sts = boto3.Session().client("sts", config=RETRIES.merge(Config(signature_version=UNSIGNED)))
    credentials = sts.assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="crms-ops-app", WebIdentityToken=token
    )["Credentials"]
    assumed = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    with _lock:
        _cache[role_arn] = _Cached(assumed, credentials["Expiration"].timestamp())
    return assumed


FAILURES = (CredentialsError, BotoCoreError, ClientError)
"""What a cron route answers with `failure` instead of a 500 page."""


def failure(error: Exception) -> tuple[int, str]:
    """A status and a short message for a failed AWS step; no secret, no traceback."""
    if isinstance(error, CredentialsError):
        return 500, str(error)
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "error")
        operation = error.operation_name
        return 502, f"AWS refused {operation}: {code}"
    if isinstance(error, AwsConnectionError | HTTPClientError):
        return 503, f"AWS did not answer within {WORST_CASE_CALL_SECONDS} s"
    return 502, f"AWS call failed: {type(error).__name__}"

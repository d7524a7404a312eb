"""On Vercel the cron routes get AWS credentials from the request's OIDC token only, and
answer a missing token or an unreachable AWS with a short JSON error, in time."""

import json
import re
import time
import uuid
from collections.abc import Iterator

import boto3
import pytest
from starlette.testclient import TestClient

from app import aws
from app.routes import web
from tests.app.aws_recorder import Call, recording_proxy
from tests.app.stand_ins import silent_server
from tests.conftest import STACKS
from tests.helpers import load
from tests.local_services import ADMIN_URL, MOTO_ACCOUNT, REDIS_URL, seed_objects

SECRET = "cron-secret-for-oidc-tests"
ROLE = f"arn:aws:iam::{MOTO_ACCOUNT}:role/crms-ops-oidc-test"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvd25lcjpjcm1zIn0.c2lnbmF0dXJl"  # JWT-shaped
CRON = {"Authorization": f"Bearer {SECRET}"}


@pytest.fixture
def buckets(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:  # noqa: ARG001
    """Two buckets in moto (made with moto's test keys), and the app configured for them."""
    suffix = uuid.uuid4().hex[:8]
    photos, backups = f"photos-{suffix}", f"backups-{suffix}"
    s3 = boto3.client("s3")
    for name in (photos, backups):
        s3.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-2"}
        )
    seed_objects(photos, 2)
    for name, value in {
        "DATABASE_URL": ADMIN_URL,
        "REDIS_URL": REDIS_URL,
        "CRON_SECRET": SECRET,
        "PHOTOS_BUCKET": photos,
        "BACKUPS_BUCKET": backups,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(aws, "_cache", {})
    web.config.cache_clear()
    yield photos, backups
    web.config.cache_clear()


def on_vercel(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    """A production deployment: the role set, and a stale build-time token in the env."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ROLE_ARN", ROLE)
    monkeypatch.setenv("VERCEL_ENV", "production")
    monkeypatch.setenv("VERCEL_OIDC_TOKEN", "stale.build-time.token")


def sts_calls(calls: list[Call]) -> list[Call]:
    return [call for call in calls if call.form.get("Action", "").startswith("AssumeRole")]


@pytest.mark.usefixtures("buckets")
def test_a_cron_call_exchanges_the_header_token_for_the_roles_credentials(
    aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    boto3.client("iam").create_role(
        RoleName=ROLE.rsplit("/", 1)[1],
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )
    with recording_proxy(aws_env) as (endpoint, calls):
        on_vercel(monkeypatch, endpoint)
        with TestClient(web.app) as client:
            response = client.get(
                "/api/cron/backup", headers={**CRON, "x-vercel-oidc-token": TOKEN}
            )
    assert response.status_code == 200, response.text
    assert response.json()["objects"] == 2
    (exchange,) = sts_calls(calls)
    assert exchange.form["Action"] == "AssumeRoleWithWebIdentity"
    assert exchange.form["WebIdentityToken"] == TOKEN  # the header's, never the env's
    assert exchange.form["RoleArn"] == ROLE
    assert exchange.access_key is None  # the exchange is unsigned: no ambient credentials
    match = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", exchange.response)
    assert match is not None
    assumed_key = match.group(1).decode()
    s3_calls = [call for call in calls if call is not exchange]
    assert s3_calls
    for call in s3_calls:  # every S3 call signed by the role's temporary credentials
        assert call.access_key == assumed_key, call.path
        assert call.headers.get("x-amz-security-token")
        assert call.access_key != "testing"


@pytest.mark.usefixtures("buckets")
def test_a_cron_call_without_a_token_refuses_and_never_calls_aws(
    aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with recording_proxy(aws_env) as (endpoint, calls):
        on_vercel(monkeypatch, endpoint)
        with TestClient(web.app) as client:
            response = client.get("/api/cron/backup", headers=CRON)
    assert response.status_code == 500
    assert response.json() == {
        "error": "no Vercel OIDC token came with the request (x-vercel-oidc-token header): "
        "cannot assume AWS_ROLE_ARN"
    }
    assert calls == []  # neither the stale env token nor the function's own AWS_* keys


@pytest.mark.usefixtures("buckets")
def test_without_a_role_a_deployment_refuses_the_ambient_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VERCEL_ENV", "production")
    with TestClient(web.app) as client:
        response = client.get("/api/cron/backup", headers={**CRON, "x-vercel-oidc-token": TOKEN})
    assert response.status_code == 500
    assert response.json() == {"error": "AWS_ROLE_ARN is not set: the function has no AWS role"}


def test_one_unreachable_aws_call_ends_inside_every_stacks_max_duration() -> None:
    shortest = min(load(stack).compute.function_max_duration_seconds for stack in STACKS)
    assert shortest > aws.WORST_CASE_CALL_SECONDS


@pytest.mark.usefixtures("buckets")
def test_a_cron_call_answers_in_time_when_aws_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    with silent_server() as port:
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
        with TestClient(web.app) as client:
            started = time.monotonic()
            response = client.get("/api/cron/backup", headers=CRON)
            elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json() == {
        "error": f"AWS did not answer within {aws.WORST_CASE_CALL_SECONDS} s"
    }
    # Bounded by the client config, not by Vercel killing the function.
    assert elapsed <= aws.WORST_CASE_CALL_SECONDS + 1

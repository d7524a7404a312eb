"""The ops app's routes over ASGI: cron calls need the cron secret, and do their work."""

import uuid
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from app import web
from tests.app.stand_ins import status_page
from tests.conftest import ADMIN_URL, seed_objects

SECRET = "cron-secret-for-tests"


@pytest.fixture
def client(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:  # noqa: ARG001
    with status_page(200) as status_url:
        yield from _client(status_url, monkeypatch)


def _client(status_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from app.backup import s3_client

    s3 = s3_client()
    suffix = uuid.uuid4().hex[:8]
    for name in (f"photos-{suffix}", f"backups-{suffix}"):
        s3.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-2"}
        )
    seed_objects(f"photos-{suffix}", 3)
    environment = {
        "DATABASE_URL": ADMIN_URL,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CRON_SECRET": SECRET,
        "PHOTOS_BUCKET": f"photos-{suffix}",
        "BACKUPS_BUCKET": f"backups-{suffix}",
        "METRICS_NAMESPACE": f"CRMS/test-{suffix}",
        "STRIPE_STATUS_URL": status_url,
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    web.config.cache_clear()
    web.checker.cache_clear()
    with TestClient(web.app) as test_client:
        yield test_client
    web.config.cache_clear()
    web.checker.cache_clear()


@pytest.mark.parametrize("path", ["/api/cron/backup", "/api/cron/metrics"])
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", SECRET])
def test_cron_routes_refuse_anyone_but_vercel_cron(
    client: TestClient, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    assert client.get(path, headers=headers).status_code == 401


def test_cron_backup_writes_a_manifest(client: TestClient) -> None:
    response = client.get("/api/cron/backup", headers={"Authorization": f"Bearer {SECRET}"})
    assert response.status_code == 200
    assert response.json()["objects"] == 3
    assert response.json()["manifest"].startswith("manifests/photos/")


def test_health_route(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["services"]["database"] == "healthy"
    assert response.json()["services"]["redis"] == "healthy"

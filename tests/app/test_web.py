"""The ops app's routes over ASGI: cron auth, request limits, no redirects, bounded shutdown."""

import time
import uuid
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from app.routes import web
from tests.app.stand_ins import silent_server, status_page
from tests.local_services import ADMIN_URL, REDIS_URL, seed_objects

SECRET = "cron-secret-for-tests"


@pytest.fixture
def client(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:  # noqa: ARG001
    with status_page(200) as status_url:
        yield from _client(status_url, monkeypatch)


def _client(status_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from app.jobs.backup import s3_client

    s3 = s3_client()
    suffix = uuid.uuid4().hex[:8]
    for name in (f"photos-{suffix}", f"backups-{suffix}"):
        s3.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-2"}
        )
    seed_objects(f"photos-{suffix}", 3)
    environment = {
        "DATABASE_URL": ADMIN_URL,
        "REDIS_URL": REDIS_URL,
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


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer ",
        "Bearer",
        f"Bearer {SECRET}é",
        "Bearer ☃☃☃",
        f"bearer {SECRET}",
        f"Bearer {SECRET} ",
    ],
)
def test_cron_auth_edges_get_401_never_500(client: TestClient, authorization: str) -> None:
    headers = {"Authorization": authorization.encode()}  # sent as UTF-8 bytes, as a client may
    response = client.get("/api/cron/metrics", headers=headers)
    assert response.status_code == 401


def test_right_secret_passes_the_byte_comparison(client: TestClient) -> None:
    response = client.get("/api/cron/backup", headers={"Authorization": f"Bearer {SECRET}"})
    assert response.status_code == 200


def test_metrics_cron_on_a_database_it_cannot_read_answers_503_plainly(
    client: TestClient,
) -> None:
    # The client's database has no payments table: the count fails, the answer says so.
    response = client.get("/api/cron/metrics", headers={"Authorization": f"Bearer {SECRET}"})
    assert response.status_code == 503
    assert response.json() == {"error": "database: UndefinedTable"}


@pytest.mark.parametrize("path", ["/api/health/", "/api/cron/backup/", "/api//health"])
def test_no_redirect_takes_its_host_from_the_request(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
    assert response.status_code == 404
    assert "location" not in response.headers


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"X-Big": "a" * (16 * 1024)}, 431),  # one header over 16 KB
        ({f"X-{i}": "a" * 8000 for i in range(5)}, 431),  # all headers over 32 KB
        ({f"X-{i}": "1" for i in range(101)}, 431),  # more than 100 headers
        ({"Content-Length": str(4_500_001)}, 413),
        ({"X-Fine": "a" * 15000}, 200),
    ],
)
def test_requests_past_vercels_limits_are_refused(
    client: TestClient, headers: dict[str, str], status: int
) -> None:
    response = client.get("/api/health", headers=headers)
    assert response.status_code == status


def test_a_url_past_vercels_limit_is_refused(client: TestClient) -> None:
    assert client.get("/api/health?q=" + "a" * (14 * 1024)).status_code == 414


def test_a_streamed_body_past_the_limit_is_refused(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(5):
            yield b"x" * 1_000_000

    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def echo_size(request: Request) -> PlainTextResponse:
        return PlainTextResponse(str(len(await request.body())))

    web.app.router.routes.append(Route("/test-body", echo_size, methods=["POST"]))
    try:
        assert client.post("/test-body", content=chunks()).status_code == 413
        assert client.post("/test-body", content=b"x" * 10).text == "10"
    finally:
        web.app.router.routes.pop()


def test_shutdown_finishes_with_a_probe_hung(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ARG001
    """The lifespan's close stops probes stuck on a silent server; TestClient's exit returns."""
    with silent_server() as port, status_page(200) as status_url:
        monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{port}/test")
        monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{port}/0")
        monkeypatch.setenv("STRIPE_STATUS_URL", status_url)
        monkeypatch.setenv("HEALTH_BUDGET_SECONDS", "0.5")
        monkeypatch.delenv("CRON_SECRET", raising=False)
        web.config.cache_clear()
        web.checker.cache_clear()
        started = time.monotonic()
        with TestClient(web.app) as test_client:
            assert test_client.get("/api/health").status_code == 503
        assert time.monotonic() - started < 5
        web.config.cache_clear()
        web.checker.cache_clear()

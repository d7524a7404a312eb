"""The health check against the real local PostgreSQL and Redis, and stand-ins."""

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import psycopg
import pytest

from app.routes.config import AppConfig, ConfigError, load_config
from app.routes.health import HealthChecker, HealthReport
from tests.app.stand_ins import silent_server, status_page
from tests.local_services import ADMIN_URL, REDIS_URL, redis_url

UNREACHABLE_DB = "postgresql://crms:s3cret-pw@127.0.0.1:1/crms"
UNREACHABLE_REDIS = "redis://:s3cret-pw@127.0.0.1:1/0"


@pytest.fixture
def stripe_ok() -> Iterator[str]:
    with status_page(200) as url:
        yield url


def config(status_url: str, budget: float = 1.0, **overrides: str) -> AppConfig:
    environ = {
        "DATABASE_URL": ADMIN_URL,
        "REDIS_URL": REDIS_URL,
        "STRIPE_STATUS_URL": status_url,
        "HEALTH_BUDGET_SECONDS": str(budget),
        **overrides,
    }
    return load_config(environ)


def check(settings: AppConfig) -> tuple[HealthReport, float]:
    """The report and how long the answer took (closing the pools afterwards is not counted)."""

    async def run() -> tuple[HealthReport, float]:
        checker = HealthChecker(settings)
        started = time.monotonic()
        try:
            return await checker.check(), time.monotonic() - started
        finally:
            await checker.close()

    return asyncio.run(run())


def test_healthy(stripe_ok: str) -> None:
    report, _ = check(config(stripe_ok))
    assert report.status_code == 200
    assert report.body["status"] == "healthy"
    assert report.body["services"] == {
        "database": "healthy",
        "redis": "healthy",
        "stripe": "healthy",
    }
    assert report.body["timestamp"].endswith("+00:00")


@pytest.mark.parametrize(
    ("override", "service"),
    [({"DATABASE_URL": UNREACHABLE_DB}, "database"), ({"REDIS_URL": UNREACHABLE_REDIS}, "redis")],
)
def test_unreachable_dependency_gives_503_without_secrets(
    stripe_ok: str, override: dict[str, str], service: str
) -> None:
    report, _ = check(config(stripe_ok, 1.0, **override))
    assert report.status_code == 503
    assert report.body["status"] == "unhealthy"
    assert report.body["services"][service] == "unhealthy"
    assert report.body["reason"].startswith(f"{service}: ")
    text = str(report.body)
    assert "s3cret" not in text
    assert "127.0.0.1" not in text
    assert "Traceback" not in text


@pytest.mark.parametrize("service", ["database", "redis"])
def test_a_hanging_dependency_still_answers_within_the_budget(stripe_ok: str, service: str) -> None:
    with silent_server() as port:
        url = (
            f"postgresql://postgres@127.0.0.1:{port}/test"
            if service == "database"
            else redis_url(port)
        )
        key = "DATABASE_URL" if service == "database" else "REDIS_URL"
        report, elapsed = check(config(stripe_ok, budget=1.0, **{key: url}))
    assert report.status_code == 503
    assert report.body["reason"] == f"{service}: timed out"
    assert elapsed < 1.5


@pytest.mark.parametrize(("status", "delay"), [(500, 0.0), (200, 5.0)])
def test_status_page_failing_or_hanging_only_degrades(status: int, delay: float) -> None:
    with status_page(status, delay) as url:
        report, elapsed = check(config(url, budget=1.0))
    assert report.status_code == 200
    assert report.body["status"] == "healthy"
    assert report.body["services"]["stripe"] == "degraded"
    assert elapsed < 1.5


def test_missing_and_invalid_configuration_is_named_without_values() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"REDIS_URL": "redis://x", "HEALTH_BUDGET_SECONDS": "-1"})
    message = str(caught.value)
    assert "DATABASE_URL is not set" in message
    assert "HEALTH_BUDGET_SECONDS is invalid" in message
    assert "redis://x" not in message


def test_serve_answers_http(stripe_ok: str, unused_port: int) -> None:
    environment = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": ADMIN_URL,
        "REDIS_URL": REDIS_URL,
        "STRIPE_STATUS_URL": stripe_ok,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(unused_port)], env=environment
    )
    try:
        response = None
        for _ in range(100):
            try:
                response = httpx.get(f"http://127.0.0.1:{unused_port}/api/health", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response is not None
        assert response.status_code == 200
        assert response.json()["services"]["database"] == "healthy"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_refuses_to_start_without_configuration() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "serve"],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "DATABASE_URL is not set" in result.stderr


def test_concurrent_and_quick_repeat_checks_share_one_probe(
    stripe_ok: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def run() -> tuple[int, int]:
        checker = HealthChecker(config(stripe_ok))
        probes = 0
        original = checker._probe_all

        async def counted() -> HealthReport:
            nonlocal probes
            probes += 1
            return await original()

        monkeypatch.setattr(checker, "_probe_all", counted)
        try:
            reports = await asyncio.gather(*(checker.check() for _ in range(20)))
            assert all(report.status_code == 200 for report in reports)
            await checker.check()  # within FRESH_SECONDS: the same result
            shared = probes
            monkeypatch.setattr("app.routes.health.FRESH_SECONDS", 0.0)
            await checker.check()  # stale: probed again
            return shared, probes
        finally:
            await checker.close()

    assert asyncio.run(run()) == (1, 2)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CRON_SECRET", ""),
        ("CRON_SECRET", "short-S3cret"),
        ("CRON_SECRET", "S3cret-with-ümlauts-and-more"),
        ("DRAIN_SECRET", ""),  # an empty drain secret would let anyone sign a delivery
        ("DRAIN_SECRET", "short-S3cret"),
        ("DATABASE_URL", "postgresql+psycopg://crms:S3cret@db.example:5432/crms"),
        ("DATABASE_URL", "postgresql://crms:S3cret@db.example:5432/crms?bogus=S3cret"),
        ("REDIS_URL", "http://:S3cret@cache.example:6379"),
    ],
)
def test_serve_refuses_a_bad_variable_by_name_without_its_value(variable: str, value: str) -> None:
    environment = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": ADMIN_URL,
        "REDIS_URL": REDIS_URL,
        variable: value,
    }
    result = subprocess.run(
        [sys.executable, "-m", "app", "serve"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"{variable} is invalid" in result.stderr
    assert "S3cret" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_the_app_refuses_to_start_on_a_bad_variable_wherever_it_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On Vercel the function imports app.routes.web and starts its lifespan; no `serve` runs.
    from starlette.testclient import TestClient

    from app.routes import web
    from app.routes.config import ConfigError

    monkeypatch.setenv("DATABASE_URL", ADMIN_URL)
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("DRAIN_SECRET", "")
    web.config.cache_clear()
    try:
        with pytest.raises(ConfigError, match="DRAIN_SECRET is invalid"), TestClient(web.app):
            pass
    finally:
        web.config.cache_clear()


def test_no_log_record_carries_a_connection_string(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from app.routes.redaction import install_log_redaction

    install_log_redaction(["postgresql://crms:Pa55word-x@db.example:5432/crms"])
    logger = logging.getLogger("psycopg.pool")
    with caplog.at_level(logging.DEBUG):
        logger.debug("error connecting: %s", "postgresql+psycopg://crms:Other-pw@db/x")
        logger.info("conninfo host=db password='Pa55 word' dbname=x")
        logger.warning("redis said %r", "rediss://default:tok3n@cache.example:6379")
        try:
            raise ValueError("bad: postgresql://crms:Pa55word-x@db.example:5432/crms")
        except ValueError:
            logger.exception("failed with %d tries", 3)
    text = caplog.text + "".join(record.exc_text or "" for record in caplog.records)
    for secret in ("Pa55word-x", "Other-pw", "Pa55 word", "tok3n", "://crms", "://default"):
        assert secret not in text
    assert "failed with 3 tries" in text
    assert "ValueError" in text


def test_a_connection_the_server_closed_is_replaced_without_a_false_alarm(stripe_ok: str) -> None:
    async def run() -> tuple[int, int]:
        checker = HealthChecker(config(stripe_ok))
        try:
            first = await checker.check()
            assert checker._connection is not None
            pid = checker._connection.info.backend_pid
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                # What an idle timeout or a pooler restart does to the probe's connection.
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            checker._latest = None  # skip the one-second reuse
            second = await checker.check()
            return first.status_code, second.status_code
        finally:
            await checker.close()

    assert asyncio.run(run()) == (200, 200)

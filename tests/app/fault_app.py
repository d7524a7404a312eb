"""The running app (`python -m app serve`) with PostgreSQL and Redis behind fault proxies:
what tests/app/test_faults.py checks and benchmarks/faults.py times."""

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from tests.app.fault_proxy import FaultProxy, fault_proxy
from tests.app.stand_ins import status_page
from tests.local_services import redis_url

BUDGET = 1.0
"""The health check's budget the app runs with (HEALTH_BUDGET_SECONDS)."""
PASSWORD = "S3cret-pw-for-faults"
FRESH_SECONDS = 1.1  # a result is reused for a second (app.routes.health.FRESH_SECONDS)
FAULTS = [
    ("refuse", "unreachable"),
    ("hang_connect", "timed out"),
    ("hang_after_first_response", "timed out"),
    ("drop_mid_response", "unreachable"),
    ("slow", "timed out"),
]
"""Each proxy mode, and the reason the health answer gives for it."""


@dataclass
class RunningApp:
    url: str
    database: FaultProxy
    redis: FaultProxy
    log: IO[str]

    def get(self, path: str = "/api/health") -> tuple[httpx.Response, float]:
        started = time.monotonic()
        response = httpx.get(self.url + path, timeout=30)
        return response, time.monotonic() - started

    def log_text(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()


def _wait_until_serving(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        assert server.poll() is None, "the app exited at start"
        try:
            httpx.get(url + "/nothing", timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("the app did not start")


@contextlib.contextmanager
def app_behind_faults(port: int, log_path: Path, log_level: str) -> Iterator[RunningApp]:
    """The app on `port`, its log in `log_path`, its database and Redis behind proxies."""
    with (
        status_page(200) as status_url,
        fault_proxy(5432) as database,
        fault_proxy(6379) as redis,
        log_path.open("w+") as log,
    ):
        environment = {
            "PATH": "/usr/bin:/bin",
            # Trust auth ignores the password; it is here to be looked for in the output.
            "DATABASE_URL": f"postgresql://postgres:{PASSWORD}@127.0.0.1:{database.port}/test",
            "REDIS_URL": redis_url(redis.port, PASSWORD),
            "STRIPE_STATUS_URL": status_url,
            "HEALTH_BUDGET_SECONDS": str(BUDGET),
        }
        command = [sys.executable, "-m", "app", "serve", "--port", str(port)]
        server = subprocess.Popen(
            [*command, "--log-level", log_level], env=environment, stdout=log, stderr=log
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_serving(url, server)
            yield RunningApp(url, database, redis, log)
        finally:
            server.terminate()
            # Shutdown must finish even with probes hung on the proxies.
            assert server.wait(timeout=15) is not None

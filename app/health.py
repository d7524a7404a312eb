"""GET /api/health: the database, Redis and the payment provider's status page.

The database and Redis are checked with a real round trip each, concurrently,
and the whole check never takes longer than its budget (default 3 s): a
dependency that accepts the connection and never answers is reported as timed
out. The Stripe status page is a public page that changes rarely: its result is
kept for STATUS_TTL_SECONDS and shared by concurrent requests, so that the
check stays fast under load. A failure of it only degrades, never fails, health.
Reasons are short phrases: never a connection string, a secret or a traceback.

Under load the dependencies are not probed once per request: a result is
reused for FRESH_SECONDS, and requests that arrive while a check runs share it.
The database and Redis then see about one probe a second however many monitors
poll, and every answer reports a check at most a second old (its timestamp says
when it ran).
"""

import asyncio
import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import redis.asyncio as aioredis
from psycopg_pool import AsyncConnectionPool

from app.config import AppConfig

STATUS_TTL_SECONDS = 30.0
FRESH_SECONDS = 1.0


@dataclass(frozen=True)
class HealthReport:
    status_code: int
    body: dict[str, Any]


class HealthChecker:
    def __init__(self, config: AppConfig) -> None:
        self._config = config
        self._budget = config.health_budget_seconds
        self._pool: AsyncConnectionPool | None = None
        self._redis: aioredis.Redis | None = None
        self._http: httpx.AsyncClient | None = None
        self._stripe: tuple[float, str] | None = None
        self._stripe_lock = asyncio.Lock()
        self._running: asyncio.Future[HealthReport] | None = None
        self._latest: tuple[float, HealthReport] | None = None

    async def check(self) -> HealthReport:
        if self._latest is not None and time.monotonic() - self._latest[0] < FRESH_SECONDS:
            return self._latest[1]
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(self._check_now())
        # Shielded: a caller that goes away does not cancel the others' check.
        return await asyncio.shield(self._running)

    async def _check_now(self) -> HealthReport:
        report = await self._probe_all()
        self._latest = (time.monotonic(), report)
        return report

    async def _probe_all(self) -> HealthReport:
        deadline = time.monotonic() + self._budget
        database, cache, stripe = await asyncio.gather(
            self._bounded(self._database(), deadline),
            self._bounded(self._redis_ping(), deadline),
            self._bounded(self._stripe_status(), deadline),
        )
        services = {
            "database": "healthy" if database is None else "unhealthy",
            "redis": "healthy" if cache is None else "unhealthy",
            "stripe": "healthy" if stripe is None else "degraded",
        }
        body: dict[str, Any] = {
            "status": "healthy",
            "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            "services": services,
        }
        failures = [
            f"{name}: {reason}"
            for name, reason in (("database", database), ("redis", cache))
            if reason
        ]
        if failures:
            body["status"] = "unhealthy"
            body["reason"] = "; ".join(failures)
            return HealthReport(503, body)
        return HealthReport(200, body)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        if self._redis is not None:
            await self._redis.aclose()
        if self._http is not None:
            await self._http.aclose()

    async def _bounded(self, probe: Any, deadline: float) -> str | None:
        """None when the probe passed, else a short reason."""
        try:
            await asyncio.wait_for(probe, timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            return "timed out"
        except (OSError, psycopg.OperationalError, aioredis.ConnectionError):
            return "unreachable"
        except Exception as error:  # any other failure, named by kind only
            return f"failed ({type(error).__name__})"
        return None

    async def _database(self) -> None:
        if self._pool is None:
            self._pool = AsyncConnectionPool(
                self._config.database_url.get_secret_value(),
                min_size=1,
                max_size=10,
                open=False,
                kwargs={"connect_timeout": max(1, int(self._budget))},
                # A pool that cannot connect should fail the check, not wait forever.
                timeout=self._budget,
            )
            await self._pool.open(wait=False)
        async with self._pool.connection() as conn:
            await conn.execute("SELECT 1")

    async def _redis_ping(self) -> None:
        if self._redis is None:
            self._redis = aioredis.from_url(
                self._config.redis_url.get_secret_value(),
                socket_connect_timeout=self._budget,
                socket_timeout=self._budget,
            )
        if not await self._redis.ping():
            raise ConnectionError("no PONG")

    async def _stripe_status(self) -> None:
        async with self._stripe_lock:
            if self._stripe is None or time.monotonic() - self._stripe[0] > STATUS_TTL_SECONDS:
                self._stripe = (time.monotonic(), await self._fetch_stripe_status())
        if self._stripe[1] != "healthy":
            raise ConnectionError(self._stripe[1])

    async def _fetch_stripe_status(self) -> str:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self._budget)
        try:
            response = await self._http.get(self._config.stripe_status_url)
        except httpx.HTTPError:
            return "unreachable"
        return "healthy" if response.is_success else f"HTTP {response.status_code}"

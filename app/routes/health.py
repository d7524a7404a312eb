"""GET /api/health: the database, Redis and the payment provider's status page.

The database and Redis are checked with a real round trip each, concurrently.
The answer never waits longer than the budget (default 3 s), whatever a
dependency does: refuse, hang at connect, hang mid-query, or hang while a query
is being cancelled. Waiting for a probe never cancels it: a probe that outlives
the budget is reported as timed out and finishes in the background, cut off by
its own timeout. Cancelling a psycopg query is not quick: psycopg asks the
server to cancel and waits up to 5 s for that, then up to 5 s for the query to
end (psycopg/psycopg, psycopg/connection_async.py `wait()`), which is why
answering has to be separate from cleaning up.

At most one probe per dependency runs at any time: a check that finds one
still running joins it instead of opening another connection, so a hung
database costs one connection, not one per request.

The database probe keeps one connection of its own rather than a psycopg_pool:
the pool's maintenance workers catch asyncio.CancelledError inside their
endless loops (psycopg_pool/pool_async.py, CLIENT_EXCEPTIONS and `worker`), so
an event loop that shuts down with the pool open waits for them forever (the
hang in TestClient's teardown), and the pool logs connection errors verbatim.

The Stripe status page is a public page that changes rarely: its result is
kept for STATUS_TTL_SECONDS. A failure of it only degrades, never fails,
health. Reasons are short phrases: never a connection string, a secret or a
traceback.

Under load the dependencies are not probed once per request: a result is
reused for FRESH_SECONDS, and requests that arrive while a check runs share it.
The database and Redis then see about one probe a second however many monitors
poll, and every answer reports a check at most a second old (its timestamp says
when it ran).
"""

import asyncio
import datetime as dt
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import redis.asyncio as aioredis
import redis.exceptions
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from app.routes.config import AppConfig

STATUS_TTL_SECONDS = 30.0
FRESH_SECONDS = 1.0
PROBE_LIMIT_FACTOR = 2.0
# The answer has to fit in the budget as the caller measures it: accepting, routing
# and sending under load take tens of milliseconds on a busy machine, so the probes
# get the budget less this (at most a tenth of the budget).
ANSWER_RESERVE_SECONDS = 0.1
# How long close() waits for probes it cancelled. A psycopg probe caught in its
# cancellation handshake is cut short by the second cancellation the event loop
# sends at shutdown (connection_async.py `wait()` re-raises it), so nothing waits on it.
CLOSE_SECONDS = 1.0


@dataclass(frozen=True)
class HealthReport:
    status_code: int
    body: dict[str, Any]


def _retrieve_outcome(task: "asyncio.Task[None]") -> None:
    """Mark a background probe's error as seen: asyncio would log it with its traceback."""
    if not task.cancelled():
        task.exception()


def _reason(task: "asyncio.Task[None]") -> str | None:
    """None when the probe passed, else a short reason that names no host or secret."""
    if not task.done() or task.cancelled():
        return "timed out"
    error = task.exception()
    if error is None:
        return None
    # psycopg's ConnectionTimeout is an OperationalError: test for timeouts first.
    if isinstance(
        error, TimeoutError | psycopg.errors.ConnectionTimeout | redis.exceptions.TimeoutError
    ):
        return "timed out"
    if isinstance(error, OSError | psycopg.OperationalError | redis.exceptions.ConnectionError):
        return "unreachable"
    return f"failed ({type(error).__name__})"


class HealthChecker:
    def __init__(self, config: AppConfig) -> None:
        self._config = config
        self._budget = config.health_budget_seconds
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._redis: aioredis.Redis | None = None
        self._http: httpx.AsyncClient | None = None
        self._stripe: tuple[float, str] | None = None
        self._probes: dict[str, asyncio.Task[None]] = {}
        self._running: asyncio.Task[HealthReport] | None = None
        self._latest: tuple[float, HealthReport] | None = None

    async def check(self) -> HealthReport:
        if self._latest is not None and time.monotonic() - self._latest[0] < FRESH_SECONDS:
            return self._latest[1]
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._check_now(), name="health-check")
        # Shielded: a caller that goes away does not cancel the others' check.
        return await asyncio.shield(self._running)

    async def _check_now(self) -> HealthReport:
        report = await self._probe_all()
        self._latest = (time.monotonic(), report)
        return report

    async def _probe_all(self) -> HealthReport:
        reserve = min(ANSWER_RESERVE_SECONDS, self._budget / 10)
        deadline = time.monotonic() + self._budget - reserve
        probes = {
            "database": self._probe("database", self._database),
            "redis": self._probe("redis", self._redis_ping),
            "stripe": self._probe("stripe", self._stripe_status),
        }
        # asyncio.wait never cancels what it waits for: the answer leaves at the deadline.
        await asyncio.wait(probes.values(), timeout=max(0.0, deadline - time.monotonic()))
        database, cache, stripe = (_reason(task) for task in probes.values())
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

    def _probe(self, name: str, probe: Callable[[], Awaitable[None]]) -> "asyncio.Task[None]":
        """The running probe of this dependency, or a new one."""
        task = self._probes.get(name)
        if task is None or task.done():
            task = asyncio.create_task(self._within_budget(probe), name=f"health-{name}")
            task.add_done_callback(_retrieve_outcome)
            self._probes[name] = task
        return task

    async def _within_budget(self, probe: Callable[[], Awaitable[None]]) -> None:
        # The probe's own limit: a silent server does not keep it (or its connection) forever.
        # Later than the answer's deadline, so that cleaning up a hung psycopg query (its
        # cancel request) does not compete with sending the answers.
        async with asyncio.timeout(self._budget * PROBE_LIMIT_FACTOR):
            await probe()

    async def close(self) -> None:
        """Stop every probe and close every client; returns within about CLOSE_SECONDS."""
        tasks = [task for task in (self._running, *self._probes.values()) if task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=CLOSE_SECONDS)
        if self._connection is not None:
            await self._connection.close()  # closes the socket; no round trip
            self._connection = None
        if self._redis is not None:
            await self._redis.aclose()
        if self._http is not None:
            await self._http.aclose()

    async def _database(self) -> None:
        reused = self._connection is not None
        try:
            await self._select_one()
        except psycopg.OperationalError:
            if not reused:
                raise
            # The server (or Supabase's pooler) may have closed an idle connection:
            # one fresh try, within the same budget, before calling the database down.
            await self._select_one()

    async def _select_one(self) -> None:
        connection = self._connection
        if connection is None or connection.closed or connection.broken:
            self._connection = None
            connection = await psycopg.AsyncConnection.connect(
                self._config.database_url.get_secret_value(),
                autocommit=True,
                # psycopg enforces at least 2 s (psycopg/conninfo.py timeout_from_conninfo);
                # the probe's own limit cuts it shorter.
                connect_timeout=max(2, math.ceil(self._budget)),
            )
            self._connection = connection
        try:
            await connection.execute("SELECT 1")
        except BaseException:
            # Broken, hung or interrupted: its state is unknown, never reuse it.
            self._connection = None
            await connection.close()
            raise

    async def _redis_ping(self) -> None:
        if self._redis is None:
            # redis-py retries a timed-out command three times by default
            # (redis/asyncio/client.py Redis.__init__ `retry`); one try fits the budget.
            self._redis = aioredis.from_url(
                self._config.redis_url.get_secret_value(),
                socket_connect_timeout=self._budget,
                socket_timeout=self._budget,
                retry=Retry(NoBackoff(), 0),
            )
        if not await self._redis.ping():
            raise ConnectionError("no PONG")

    async def _stripe_status(self) -> None:
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

"""What every cron route checks before its job runs: Vercel's call, and one run at a time.

- Only GET runs a job: Vercel's cron calls are GET requests to the job's path
  (https://vercel.com/docs/cron-jobs). Starlette answers HEAD on every GET route by
  itself, so HEAD with the secret used to run a backup; it gets 405 now.
- `Authorization: Bearer $CRON_SECRET`, compared as bytes (anything else is 401).
- One run per job and stack: a Redis lock named after what the job writes (the backups
  bucket, the metrics namespace), so two runs never write one manifest or publish one
  window's counts twice. A second run answers 409 and runs nothing. The lock is redis-py's
  (`redis.asyncio.lock.Lock`: a token set with NX and a lease, released and renewed by
  scripts that check the token), with a lease of LEASE_SECONDS renewed every third of it
  while the job runs: a run that Vercel ends at maxDuration, or a frozen instance, holds
  the lock at most LEASE_SECONDS longer, and the lease is shorter than any stack's
  maxDuration (a test ties them), so the next scheduled run is never locked out.
- A run that loses its lock stops writing. Its lease is good until LEASE_SECONDS (less
  LEASE_MARGIN of it, for clocks) after the last renewal Redis confirmed; a renewal that
  fails is tried again, and once the lease is past, or Redis says another run holds the
  lock, the job's next `Lease.check` (each job calls it before each write) raises LeaseLost
  and the route answers 503. So a second run, which can take the lock only once the lease
  has ended, never writes beside the first; a write already sent when the lease ends is
  the only one that can still complete.
- Without Redis nothing runs (503): a run that cannot take the lock cannot know it is
  alone. The health check reports the same outage.
"""

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from functools import wraps

import redis.asyncio as aioredis
from redis.exceptions import LockError, LockNotOwnedError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.routes.config import AppConfig
from app.routes.redis_link import FAILURES, RedisUnavailable, connection, unavailable

log = logging.getLogger(__name__)
LEASE_SECONDS = 10.0
RENEW_EVERY_SECONDS = LEASE_SECONDS / 3
LEASE_MARGIN = 0.1
"""The share of the lease a run leaves unused: Redis's clock and the function's may differ."""
LOCK_PREFIX = "crms:cron"
Endpoint = Callable[[Request], Awaitable[Response]]


class LeaseLost(Exception):
    """The run's lock may be someone else's now: the job stops before its next write."""


class Lease:
    """How long the run may still write: until the lease Redis last confirmed ends."""

    def __init__(self, lock: "aioredis.lock.Lock", name: str, confirmed_at: float) -> None:
        self._lock = lock
        self._name = name
        self._good_until = confirmed_at + LEASE_SECONDS * (1 - LEASE_MARGIN)
        self._taken = False

    def check(self) -> None:
        """Raises LeaseLost once the lease may have ended; safe to call from a job's thread."""
        if self._taken or time.monotonic() >= self._good_until:
            raise LeaseLost(f"the lock {self._name} was lost")

    async def keep(self) -> None:
        """Renews the lease every RENEW_EVERY_SECONDS, retrying a failure until it ends."""
        wait = RENEW_EVERY_SECONDS
        while time.monotonic() < self._good_until:
            await asyncio.sleep(wait)
            sent = time.monotonic()
            try:
                await self._lock.reacquire()
            except LockNotOwnedError:
                self._taken = True
                log.warning("cron lock %s is no longer this run's", self._name)
                return
            except (LockError, *FAILURES) as error:
                log.warning("cron lock %s not renewed: %s", self._name, type(error).__name__)
                wait = RENEW_EVERY_SECONDS / 4
                continue
            self._good_until = sent + LEASE_SECONDS * (1 - LEASE_MARGIN)
            wait = RENEW_EVERY_SECONDS


def lease_of(request: Request) -> Lease:
    """The lease of the run serving `request` (set by `cron_job`)."""
    lease: Lease = request.state.lease
    return lease


def is_cron_call(request: Request, config: AppConfig) -> bool:
    secret = config.cron_secret
    if secret is None:
        return False  # no secret configured: cron routes stay closed
    expected = f"Bearer {secret.get_secret_value()}".encode()
    # As bytes: compare_digest refuses str with non-ASCII characters (TypeError), and
    # Starlette decodes header values as latin-1, so encoding back gives the bytes sent.
    sent = request.headers.get("authorization", "").encode("latin-1")
    return hmac.compare_digest(sent, expected)


def cron_job(
    job: str, settings: Callable[[], AppConfig], writes_to: Callable[[AppConfig], str | None]
) -> Callable[[Endpoint], Endpoint]:
    """Guards a cron route: GET only, Vercel's secret, one run at a time per `writes_to`.

    When `writes_to` is unset the job runs unlocked, to answer that its setting is missing."""

    def guard(endpoint: Endpoint) -> Endpoint:
        @wraps(endpoint)
        async def run(request: Request) -> Response:
            if request.method != "GET":
                headers = {"Allow": "GET"}
                return JSONResponse({"error": "cron jobs run on GET"}, 405, headers=headers)
            config = settings()
            if not is_cron_call(request, config):
                return JSONResponse({"error": "not a cron call"}, status_code=401)
            target = writes_to(config)
            if target is None:
                return await endpoint(request)
            try:
                async with connection(config.redis_url.get_secret_value()) as client:
                    return await _alone(client, f"{LOCK_PREFIX}:{job}:{target}", endpoint, request)
            except RedisUnavailable as error:
                return JSONResponse({"error": f"{error}; the {job} job did not run"}, 503)

        return run

    return guard


async def _alone(
    client: aioredis.Redis, name: str, endpoint: Endpoint, request: Request
) -> Response:
    lock = client.lock(name, timeout=LEASE_SECONDS, blocking=False)
    sent = time.monotonic()
    try:
        acquired = await lock.acquire()
    except FAILURES as error:
        raise unavailable(error) from None
    job = name.split(":")[2]
    if not acquired:
        return JSONResponse({"error": f"the {job} job is already running"}, status_code=409)
    lease = request.state.lease = Lease(lock, name, sent)
    renewal = asyncio.create_task(lease.keep())
    try:
        return await endpoint(request)
    except LeaseLost:
        log.warning("cron %s: the lock was lost; the job stopped before its next write", job)
        message = f"the {job} job lost its lock and stopped; the next run does its work"
        return JSONResponse({"error": message}, status_code=503)
    finally:
        renewal.cancel()
        with suppress(asyncio.CancelledError):
            await renewal
        try:
            await lock.release()
        except (LockError, *FAILURES) as error:  # the lease ends by itself
            log.warning("cron lock %s not released: %s", name, type(error).__name__)

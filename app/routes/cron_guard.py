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
- Without Redis nothing runs (503): a run that cannot take the lock cannot know it is
  alone. The health check reports the same outage.
"""

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from functools import wraps

import redis.asyncio as aioredis
from redis.exceptions import LockError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.routes.config import AppConfig
from app.routes.redis_link import FAILURES, RedisUnavailable, connection, unavailable

log = logging.getLogger(__name__)
LEASE_SECONDS = 10.0
RENEW_EVERY_SECONDS = LEASE_SECONDS / 3
LOCK_PREFIX = "crms:cron"
Endpoint = Callable[[Request], Awaitable[Response]]


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
    try:
        acquired = await lock.acquire()
    except FAILURES as error:
        raise unavailable(error) from None
    if not acquired:
        job = name.split(":")[2]
        return JSONResponse({"error": f"the {job} job is already running"}, status_code=409)
    renewal = asyncio.create_task(_renew(lock))
    try:
        return await endpoint(request)
    finally:
        renewal.cancel()
        with suppress(asyncio.CancelledError):
            await renewal
        try:
            await lock.release()
        except (LockError, *FAILURES) as error:  # the lease ends by itself
            log.warning("cron lock %s not released: %s", name, type(error).__name__)


async def _renew(lock: "aioredis.lock.Lock") -> None:
    while True:
        await asyncio.sleep(RENEW_EVERY_SECONDS)
        try:
            await lock.reacquire()
        except (LockError, *FAILURES) as error:
            log.warning("cron lock %s not renewed: %s", lock.name, type(error).__name__)
            return

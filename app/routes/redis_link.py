"""A Redis connection for one request, every wait bounded: the drains' replay record and
the crons' locks (the health check keeps its own, timed by its budget).

One connection per use, closed after it: a delivery or a cron run is one or two round
trips, and a client kept between requests would be tied to the event loop that made it.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
import redis.exceptions
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

TIMEOUT_SECONDS = 2.0
"""Connecting and each reply: a Redis that does not answer costs a request about 4 s,
inside the shortest maxDuration of any stack (a test ties them)."""
FAILURES = (redis.exceptions.RedisError, OSError)


class RedisUnavailable(Exception):
    """Redis could not be reached or refused the command; the message names no host."""


@asynccontextmanager
async def connection(url: str) -> AsyncIterator[aioredis.Redis]:
    # redis-py retries a timed-out command three times by default
    # (redis/asyncio/client.py Redis.__init__ `retry`): once is the bound above.
    client = aioredis.from_url(
        url,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        yield client
    finally:
        await client.aclose()


def unavailable(error: BaseException) -> RedisUnavailable:
    """A short, host-free reason for an answer: `redis: unreachable` or the error's class."""
    if isinstance(
        error, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError | OSError
    ):
        return RedisUnavailable("redis: unreachable")
    return RedisUnavailable(f"redis: {type(error).__name__}")

"""Each request and span counted once, however often a delivery comes again.

A signature proves who wrote a delivery, not that it is new: it covers the body only,
with no time or nonce (https://vercel.com/docs/drains/security), so a delivery posted
again verifies again. Vercel may also send one more than once: its drain pages
(https://vercel.com/docs/drains, .../drains/reference/logs) say deliveries are batched but
give no retry schedule; drain receivers report that a non-2xx answer brings the delivery
back (superloglabs/superlog#463) and that some log lines arrive twice (getsentry/sentry#103095).

So every request (by `requestId`) and route span (by trace and span ID) is recorded in
Redis, the stack's cache, when it is first counted, and a delivery's heartbeat by the
SHA-256 of its body. The record of a minute lasts as long as anything of that minute can
be published at all, CloudWatch's two weeks (`drain.OLDEST_MS`): whenever a delivery
comes back, Vercel's retry or anyone's replay, what it holds was either counted already
or is too old to be. No shorter window would be safe without a documented one from Vercel.

Each minute is one Redis set (members: 128-bit digests of the keys), filled by a short
script that adds the members and says which were new, atomically, so two copies of a
delivery arriving together are counted once. What a delivery claimed is given back if
publishing it fails, so Vercel's retry is counted then.

When Redis cannot be reached the delivery is refused (503) and nothing is published:
counting it could count a retry twice, and Vercel delivers it again later. A long outage
shows as `redis: unreachable` in the health check and, past an hour, as the drain_silence
alarm. Redis evicts keys under memory pressure (the stack's cache has eviction on): an
evicted minute would count a replay of that minute again.
"""

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

import redis.asyncio as aioredis

from app.routes.drain import MINUTE_MS, OLDEST_MS, Observation, Observed
from app.routes.redis_link import FAILURES, connection, unavailable

# KEYS[1] the minute's set; ARGV[1] its expiry (epoch ms), then the members. Returns 1 for
# each member that was new, 0 for one already there.
_CLAIM = """
local added = {}
for i = 2, #ARGV do added[i - 1] = redis.call('SADD', KEYS[1], ARGV[i]) end
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return added
"""
_HEARTBEAT = "heartbeat"


def _member(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


@dataclass
class Claim:
    """What a delivery brought that no earlier one did."""

    observations: list[Observation] = field(default_factory=list)
    heartbeat: bool = False
    recorded: dict[str, list[str]] = field(default_factory=dict)
    """The members it added, by set: given back if publishing it fails."""


@asynccontextmanager
async def claim(
    redis_url: str, prefix: str, digest: str, observed: Observed, now_ms: int
) -> AsyncIterator[Claim]:
    """Records the delivery's items, yields the new ones; gives them back if the block fails.

    `prefix` names the metrics they feed (one stack's namespace); raises RedisUnavailable."""
    by_minute: dict[int, dict[str, str]] = {}
    for key, observation in observed.observations.items():
        by_minute.setdefault(observation.minute_ms, {})[_member(key)] = key
    if observed.current:
        now_minute = now_ms - now_ms % MINUTE_MS
        by_minute.setdefault(now_minute, {})[_member(f"d:{digest}")] = _HEARTBEAT
    result = Claim()
    async with connection(redis_url) as client:
        try:
            await _record(client, prefix, by_minute, observed, result)
        except FAILURES as error:
            with suppress(*FAILURES):  # what the minutes before the failure recorded
                await _give_back(client, result)
            raise unavailable(error) from None
        try:
            yield result
        except BaseException:
            with suppress(*FAILURES):  # the failure that matters is the one being raised
                await _give_back(client, result)
            raise


async def _record(
    client: aioredis.Redis,
    prefix: str,
    by_minute: dict[int, dict[str, str]],
    observed: Observed,
    result: Claim,
) -> None:
    script = client.register_script(_CLAIM)
    for minute_ms, members in by_minute.items():
        key = f"{prefix}:{minute_ms}"
        added = await script(keys=[key], args=[minute_ms + MINUTE_MS + OLDEST_MS, *members])
        new = [member for member, fresh in zip(members, added, strict=True) if fresh]
        result.recorded[key] = new
        for member in new:
            if members[member] == _HEARTBEAT:
                result.heartbeat = True
            else:
                result.observations.append(observed.observations[members[member]])


async def _give_back(client: aioredis.Redis, result: Claim) -> None:
    for key, members in result.recorded.items():
        if members:
            await client.srem(key, *members)

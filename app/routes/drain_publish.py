"""Closed minutes of the drains' counts sent from Redis to CloudWatch, each exactly once.

The metrics cron runs this under its lock (app.routes.cron_guard), so one run at a time
publishes. A run closes every minute that ended SETTLE_MS and CLOCK_SKEW_MS ago (the
watermark: the drains take no more lines for it), then, oldest first, sends each closed
minute's datums in one PutMetricData call of its own, made once (app.cloudwatch_once), and
marks the minute published only after CloudWatch said yes. A call CloudWatch refused (a 4xx
answer: nothing stored) is tried again by the next run; a minute marked published is never
sent again. A minute whose call may have been stored without an answer is marked `sending`
(`#s`, the time of the call) and read back by the next run before anything is sent again.
"""

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app import cloudwatch_once
from app import metric_catalog as catalog
from app.routes import drain, drain_counts, drain_traces
from app.routes.drain import MINUTE_MS, Datum
from app.routes.redis_link import FAILURES, connection, unavailable

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
else:
    CloudWatchClient = Any

log = logging.getLogger(__name__)
MAX_MINUTES_PER_RUN = 120
"""Two hours of backlog a run (a call each): well inside the shortest maxDuration when
CloudWatch answers, and the rest waits for the next run."""
MAX_DISTINCT_DURATIONS = 50 * drain_traces.MAX_VALUES_PER_DATUM
"""At most 50 latency datums a minute, so one minute is one call: PutMetricData takes 1,000
datums and 1 MB (API_PutMetricData); past it durations are rounded to 10 ms, then 100 ms."""

# KEYS[1] watermark, KEYS[2] pending; ARGV[1] the newest minute to close, ARGV[2] how many.
_CLOSE = """
local closed = math.max(tonumber(redis.call('GET', KEYS[1]) or '-1'), tonumber(ARGV[1]))
redis.call('SET', KEYS[1], closed)
return redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', closed, 'LIMIT', 0, tonumber(ARGV[2]))
"""
# KEYS[1] a minute's hash: its `#` fields and values (empty if the hash is gone).
_COUNTS = """
local out = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if string.sub(all[i], 1, 1) == '#' then out[#out + 1] = all[i]; out[#out + 1] = all[i + 1] end
end
return out
"""


@dataclass
class Published:
    minutes: int = 0
    """Minutes CloudWatch took in this run (or that it turned out to have taken earlier)."""
    waiting: int = 0
    """Minutes whose earlier call's fate is not yet readable: left for a later run."""
    lost: int = 0
    """Minutes evicted from Redis before they were published (logged as errors)."""


def newest_closable(at_ms: int) -> int:
    return drain_counts.minute_of(
        at_ms - MINUTE_MS - drain_counts.SETTLE_MS - drain_counts.CLOCK_SKEW_MS
    )


def minute_datums(minute_ms: int, fields: dict[str, int]) -> list[Datum]:
    """The minute's datums, in a fixed order (the first is read back after a lost answer)."""
    data: list[Datum] = []
    if fields.get("#n", 0) > 0:
        data += drain.request_datums({minute_ms: (fields["#n"], fields.get("#e", 0))})
    if deliveries := fields.get("#d", 0):
        metric = catalog.DRAIN_DELIVERIES
        data.append(drain.statistic_set(metric, minute_ms, deliveries, deliveries, 1.0, 1.0))
    durations = Counter({int(f[2:]): c for f, c in fields.items() if f.startswith("#t") and c})
    scale = 1
    while len(durations) > MAX_DISTINCT_DURATIONS:
        scale *= 10
        coarser: Counter[int] = Counter()
        for milliseconds, count in durations.items():
            coarser[round(milliseconds / scale) * scale] += count
        durations = coarser
    seconds = Counter({ms / 1000: count for ms, count in durations.items()})
    data += drain_traces.latency_datums({minute_ms: seconds} if seconds else {})
    return data


async def publish(
    redis_url: str,
    namespace: str,
    at_ms: int,
    checkpoint: Callable[[], None],
    client: Callable[[], "CloudWatchClient"] = cloudwatch_once.cloudwatch_once,
) -> Published:
    """Publishes the closed minutes; `checkpoint` raises when the run may no longer write.

    Raises RedisUnavailable, or PublishFailed for a minute CloudWatch did not take."""
    from starlette.concurrency import run_in_threadpool

    closed, pending, minute_prefix = drain_counts.keys(namespace)
    result = Published()
    cloudwatch: CloudWatchClient | None = None
    try:
        async with connection(redis_url) as redis:
            checkpoint()
            minutes = await redis.eval(
                _CLOSE, 2, closed, pending, newest_closable(at_ms), MAX_MINUTES_PER_RUN
            )
            counts = redis.register_script(_COUNTS)
            for label in minutes:
                minute_ms, key = int(label), f"{minute_prefix}{label.decode()}"
                raw = await counts(keys=[key])
                fields = {raw[i].decode(): int(raw[i + 1]) for i in range(0, len(raw), 2)}
                if not fields:
                    log.error("drain counts of minute %d were evicted unpublished", minute_ms)
                    result.lost += 1
                    await redis.zrem(pending, label)
                    continue
                if "#p" in fields:  # kept RADIUS minutes for the lines of its requests
                    if minute_ms < newest_closable(at_ms) - drain_counts.RADIUS_MINUTES * MINUTE_MS:
                        checkpoint()
                        await redis.delete(key)
                        await redis.zrem(pending, label)
                    continue
                data = minute_datums(minute_ms, fields)
                if cloudwatch is None:
                    cloudwatch = await run_in_threadpool(client)
                if "#s" in fields and data:
                    if await run_in_threadpool(
                        cloudwatch_once.landed, cloudwatch, namespace, data[0]
                    ):
                        data = []
                    elif at_ms < cloudwatch_once.readable_at(minute_ms, fields["#s"]):
                        result.waiting += 1
                        continue
                if data:
                    mark = (redis, key, "#s", str(at_ms))
                    await cloudwatch_once.send(cloudwatch, namespace, data, checkpoint, mark)
                checkpoint()
                await redis.hset(key, "#p", "1")
                result.minutes += 1
    except FAILURES as error:
        raise unavailable(error) from None
    return result

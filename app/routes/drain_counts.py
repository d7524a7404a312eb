"""Each request and span counted once, in Redis, per minute: what the drains record.

CloudWatch cannot take a count back or de-duplicate one: PutMetricData adds every datum it
is sent, and a statistic set sent twice counts twice
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
So nothing is published while a delivery is answered. Each delivery's items are recorded
here, one script per delivery, atomically with their de-duplication record; closed minutes
are published later from Redis by the metrics cron (app.routes.drain_publish), one locked
run at a time.

A signature proves who wrote a delivery, not that it is new (it covers the body only,
https://vercel.com/docs/drains/security), and Vercel sends logs in batches as they are made
(https://vercel.com/docs/drains/reference/logs) with no documented retry schedule: the same
line may come again in a retry, in a replay, or in another batch beside new lines.

One hash per metrics namespace and minute holds the minute's items (8-byte BLAKE2b digests
of `r:requestId`, `s:traceId:spanId`, `d:sha256(body)`) and its counts (fields starting
with `#`). A request's lines may arrive in different deliveries and carry times in
different minutes (the proxy line is stamped at the request's start, the function's lines
up to maxDuration later): the request counts once, in the minute of its earliest line,
as an error if any of its lines failed. Its other lines are looked for in the RADIUS
minutes either side, which covers every stack's maxDuration (a test ties them). A
delivery's own record (its heartbeat, DrainDeliveries) goes in the minute of its newest
line, a time the body gives: every copy of it meets the same record, whenever it comes.

A minute is open until SETTLE_MS after it ends. Until then a line can still join it or
turn its request into an error; after that, the publisher closes it (the watermark) and
sends it. A line of a closed minute is `late`: not counted, and said so in the answer and
the log. Replays of old deliveries are late too, however long ago they were published.

When Redis cannot be reached the delivery is refused (503) and Vercel delivers it again:
the script either ran whole or not at all, so a retry after a lost reply finds its items
`seen` and counts nothing twice. A minute listed as recorded whose hash is gone was
evicted: its lines are refused rather than counted again, and the publisher reports it.
"""

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass

from app.routes.drain import MINUTE_MS, Observed
from app.routes.redis_link import FAILURES, connection, unavailable

PREFIX = "crms:drain"
"""Redis keys: PREFIX:<namespace>:m:<minute ms>, :pending (minutes with a hash), :closed."""
SETTLE_MS = 3 * MINUTE_MS
"""How long after its minute ends a line still counts: prod's maxDuration (60 s), Vercel's
batching (seconds) and a retried delivery. Lines later than that are `late`."""
RADIUS_MINUTES = 4
"""Minutes either side of a line where its request's other lines are looked for."""
CLOCK_SKEW_MS = 30_000
"""The publisher closes a minute this long after the drains stop taking it: the functions'
clocks may differ by that much (the watermark also shuts a closed minute)."""
DIGEST_BYTES = 8
"""Two items of one minute share a digest with odds of about n**2 / 2**65: one in 10**11
for 6,000 requests a minute."""

# KEYS[1] the closed watermark, KEYS[2] the pending minutes (a sorted set), KEYS[3..] minute
# hashes. ARGV[1] n, ARGV[2..n+1] those minutes (ms), then the oldest open minute, the
# radius (ms) and a minute's length; then items in fours: kind (r request, s span, d
# delivery), digest, minute, value (r: 1 failed / 0; s: duration ms). Returns counted,
# seen, late.
_RECORD = """
local n = tonumber(ARGV[1])
local watermark = tonumber(redis.call('GET', KEYS[1]) or '-1')
local key, label, usable = {}, {}, {}
for i = 1, n do
  local m = tonumber(ARGV[1 + i])
  key[m] = KEYS[2 + i]
  label[m] = ARGV[1 + i]
end
local oldest, radius, step = tonumber(ARGV[n + 2]), tonumber(ARGV[n + 3]), tonumber(ARGV[n + 4])
local function open(m)
  if usable[m] == nil then
    local ok = key[m] ~= nil and m >= oldest and m > watermark
    if ok and redis.call('EXISTS', key[m]) == 0 then
      ok = not redis.call('ZSCORE', KEYS[2], label[m])
    end
    usable[m] = ok
  end
  return usable[m]
end
local function add(m, member, value, field, by)
  redis.call('HSET', key[m], member, value)
  redis.call('HINCRBY', key[m], field, by)
  redis.call('ZADD', KEYS[2], label[m], label[m])
end
local counted, seen, late = 0, 0, 0
for i = n + 5, #ARGV, 4 do
  local kind, member, m, value = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3]
  if kind ~= 'r' then
    if not open(m) then
      late = late + 1
    elseif redis.call('HEXISTS', key[m], member) == 1 then
      seen = seen + 1
    else
      add(m, member, '1', kind == 'd' and '#d' or '#t' .. value, 1)
      counted = counted + 1
    end
  else
    local failed, home, was = tonumber(value), nil, 0
    for d = -radius, radius, step do
      local k = key[m + d]
      if k then
        local v = redis.call('HGET', k, member)
        if v then home, was = m + d, tonumber(v) break end
      end
    end
    if home == nil then
      if open(m) then
        add(m, member, failed, '#n', 1)
        redis.call('HINCRBY', key[m], '#e', failed)
        counted = counted + 1
      else
        late = late + 1
      end
    elseif not open(home) then
      if failed > was then late = late + 1 else seen = seen + 1 end
    else
      local now_failed = math.max(failed, was)
      if m < home and open(m) then
        redis.call('HDEL', key[home], member)
        redis.call('HINCRBY', key[home], '#n', -1)
        redis.call('HINCRBY', key[home], '#e', -was)
        add(m, member, now_failed, '#n', 1)
        redis.call('HINCRBY', key[m], '#e', now_failed)
      elseif now_failed > was then
        redis.call('HSET', key[home], member, now_failed)
        redis.call('HINCRBY', key[home], '#e', 1)
      end
      seen = seen + 1
    end
  end
end
return {counted, seen, late}
"""


@dataclass(frozen=True)
class Recorded:
    """What a delivery's items came to: counted now, counted before, or too late to count."""

    counted: int
    seen: int
    late: int


def now_ms() -> int:
    """The drains' and the publisher's clock (epoch ms): one function, so tests can move it."""
    return time.time_ns() // 1_000_000


def minute_of(at_ms: int) -> int:
    return at_ms - at_ms % MINUTE_MS


def oldest_open(at_ms: int) -> int:
    """The oldest minute a line may still join at `at_ms`."""
    return minute_of(at_ms - MINUTE_MS - SETTLE_MS) + MINUTE_MS


def keys(namespace: str) -> tuple[str, str, str]:
    """The namespace's watermark, pending set and the prefix of its minute hashes."""
    base = f"{PREFIX}:{namespace}"
    return f"{base}:closed", f"{base}:pending", f"{base}:m:"


def digest(key: str) -> bytes:
    """The item's field in its minute's hash: never starting with `#`, the counts' mark."""
    value = hashlib.blake2b(key.encode("utf-8"), digest_size=DIGEST_BYTES).digest()
    return value if value[0] != ord("#") else b"\x00" + value[1:]


def _items(kind: str, observed: Observed, delivery: str) -> Iterator[tuple[str, ...]]:
    for key, observation in observed.observations.items():
        value = int(observation.value) if kind == "r" else round(observation.value * 1000)
        yield kind, key, str(observation.minute_ms), str(value)
    if observed.newest_ms is not None:
        yield "d", f"d:{delivery}", str(minute_of(observed.newest_ms)), "1"


async def record(
    redis_url: str, namespace: str, kind: str, observed: Observed, delivery: str, at_ms: int
) -> Recorded:
    """Records a delivery's items (`kind` r for requests, s for spans; `delivery` the body's
    SHA-256) in one atomic script; raises RedisUnavailable."""
    items = list(_items(kind, observed, delivery))
    radius = RADIUS_MINUTES if kind == "r" else 0
    minutes = sorted(
        {int(item[2]) + step * MINUTE_MS for item in items for step in range(-radius, radius + 1)}
    )
    closed, pending, minute_prefix = keys(namespace)
    arguments: list[str | bytes] = [str(len(minutes)), *map(str, minutes)]
    arguments += [str(oldest_open(at_ms)), str(radius * MINUTE_MS), str(MINUTE_MS)]
    for item_kind, key, minute, value in items:
        arguments += [item_kind, digest(key), minute, value]
    names = [closed, pending, *(f"{minute_prefix}{minute}" for minute in minutes)]
    try:
        async with connection(redis_url) as client:
            script = client.register_script(_RECORD)
            counted, seen, late = await script(keys=names, args=arguments)
    except FAILURES as error:
        raise unavailable(error) from None
    return Recorded(int(counted), int(seen), int(late))

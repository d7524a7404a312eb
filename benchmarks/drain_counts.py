"""Redis memory of the drains' counts: bytes per counted request, and the sustained request
rate prod's Redis budget holds.

Records REQUESTS requests (100 a second for ten minutes, each request's proxy line and
function line, in deliveries of 500 lines) with the drains' own script into the local Redis,
under a namespace of its own, and sums MEMORY USAGE of every key they made (local Redis 7
with its default encodings; Upstash's own accounting may differ). A request stays in Redis
from its minute until RADIUS_MINUTES after the publisher closed it: at most RESIDENT_SECONDS
when the metrics cron runs every DISK_PROBE_PERIOD_SECONDS. The budget is prod's
`usageRedisStoredGb` (GB of 10**9 bytes).
Run with `make bench`, or `.venv/bin/python benchmarks/drain_counts.py`.
"""

import asyncio
import uuid

import redis

from app.metric_catalog import DISK_PROBE_PERIOD_SECONDS
from app.routes import drain, drain_counts
from app.routes.drain import MINUTE_MS
from tests.app import drain_payloads as payloads
from tests.app.drain_payloads import Served
from tests.helpers import load
from tests.local_services import REDIS_URL

RATE = 100
SECONDS = 600
REQUESTS = RATE * SECONDS
DELIVERY_LINES = 500
RESIDENT_SECONDS = (
    MINUTE_MS
    + drain_counts.SETTLE_MS
    + drain_counts.CLOCK_SKEW_MS
    + DISK_PROBE_PERIOD_SECONDS * 1000
    + drain_counts.RADIUS_MINUTES * MINUTE_MS
) / 1000


async def record_all(namespace: str, start_ms: int) -> int:
    served = [Served(start_ms + index * 1000 // RATE, 200) for index in range(REQUESTS)]
    entries = payloads.log_entries(served, function_lines=True)
    counted = 0
    for first in range(0, len(entries), DELIVERY_LINES):
        chunk = entries[first : first + DELIVERY_LINES]
        at_ms = max(entry["timestamp"] for entry in chunk)
        observed = drain.request_observations(chunk, at_ms)
        recorded = await drain_counts.record(
            REDIS_URL, namespace, "r", observed, uuid.uuid4().hex, at_ms
        )
        counted += recorded.counted
    return counted


def main() -> None:
    namespace = f"CRMS/bench-{uuid.uuid4().hex[:8]}"
    start_ms = drain_counts.now_ms() - SECONDS * 1000
    counted = asyncio.run(record_all(namespace, start_ms))
    with redis.Redis.from_url(REDIS_URL) as client:
        names = list(client.scan_iter(f"{drain_counts.PREFIX}:{namespace}:*"))
        used = sum(client.memory_usage(name, samples=0) or 0 for name in names)
        client.delete(*names)
    deliveries = -(-2 * REQUESTS // DELIVERY_LINES)
    assert counted == REQUESTS + deliveries, counted  # each request once, and the heartbeats
    requests = REQUESTS
    per_request = used / requests  # the heartbeats' few bytes charged to the requests
    budget = load("prod").usage.redis_stored_gb * 10**9
    sustained = budget / (per_request * RESIDENT_SECONDS)
    print(f"drain counts in Redis: {requests:,} requests at {RATE}/s, {len(names)} keys")
    print(f"  {per_request:.1f} bytes per counted request (MEMORY USAGE, local Redis)")
    cron = DISK_PROBE_PERIOD_SECONDS
    print(f"  a request stays at most {RESIDENT_SECONDS:.0f} s (the cron runs every {cron} s)")
    print(f"  at {RATE}/s sustained: {per_request * RESIDENT_SECONDS * RATE / 1e6:.1f} MB resident")
    print(f"  prod's budget ({budget / 1e9:g} GB) holds {sustained:,.0f} requests/s sustained")


if __name__ == "__main__":
    main()

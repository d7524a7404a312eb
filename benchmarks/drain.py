"""The drain endpoint: ingestion throughput and peak memory for a 5,000-entry delivery.

- In process: signature check, parsing and per-request merging for one signed 5,000-entry
  log delivery (JSON array and NDJSON, two and a half minutes of
  traffic, each request also logging a function line) and one 5,000-span trace
  export; entries per second (median of 7 runs) and the peak memory traced while
  handling one delivery (tracemalloc: the Python heap the handling allocates, the
  body itself included).
- Over HTTP: such deliveries posted to the running app (uvicorn on a loopback port),
  which records them in Redis (each a new one: a delivery posted again is seen, not counted);
  entries per second, median of 7. The metrics cron publishes them later (Redis bytes per
  counted request: benchmarks/drain_counts.py).
The maximum delivery, and the health check while three arrive: benchmarks/drain_max.py.
Run with `make bench`, or `.venv/bin/python benchmarks/drain.py`.
"""

import logging
import os
import statistics
import time
import tracemalloc
import uuid
from collections.abc import Callable

import httpx

from app.routes import drain_counts, drain_endpoint
from tests.app import drain_payloads as payloads
from tests.app.drain_payloads import Served

ENTRIES = 5000
RUNS = 7
SECRET = "drain-secret-for-the-benchmark-0123456789"  # noqa: S105 (a local stand-in)
ROUTE = "POST /api/contracts"
REDIS_URL = "redis://127.0.0.1:6379/0"


def log_delivery(now_ms: int, encode: Callable[[list[dict[str, object]]], bytes]) -> bytes:
    """The last 150 s of traffic: inside the minutes the drains still take (SETTLE_MS)."""
    start = now_ms - (ENTRIES // 2) * 60
    served = [
        Served(start + index * 60, 502 if index % 97 == 0 else 200) for index in range(ENTRIES // 2)
    ]
    entries = payloads.log_entries(served, function_lines=True)
    assert len(entries) == ENTRIES
    return encode(entries)


def trace_delivery(now_ms: int) -> bytes:
    spans = [
        payloads.span(
            ROUTE if index % 4 else "GET /api/vehicles",
            now_ms - index * 20,
            0.2 + index % 500 / 100,
        )
        for index in range(ENTRIES)
    ]
    return payloads.trace_export(spans)


def in_process(kind: str, body: bytes) -> tuple[float, float]:
    """Entries per second (median) and peak traced MiB for one delivery (all of it new)."""
    signature = payloads.signed(SECRET, body)["x-vercel-signature"].encode()
    now_ms = int(time.time() * 1000)

    def handle() -> int:
        _, observed = drain_endpoint._read_delivery(kind, SECRET, body, signature, ROUTE, now_ms)
        return len(observed.observations)

    handle()
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        handle()
        timings.append(time.perf_counter() - start)
    tracemalloc.start()
    handle()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return ENTRIES / statistics.median(timings), peak / 2**20


def over_http(deliveries: dict[str, tuple[str, Callable[[int], bytes]]]) -> dict[str, float]:
    from moto.server import ThreadedMotoServer

    from tests.app.running_app import running_app

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    namespace = f"CRMS/benchmark-{uuid.uuid4().hex[:8]}"
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": f"http://{host}:{port}",
            "AWS_ACCESS_KEY_ID": "benchmark",
            "AWS_SECRET_ACCESS_KEY": "benchmark",
            "AWS_DEFAULT_REGION": "eu-central-2",
            "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
            "REDIS_URL": REDIS_URL,
            "METRICS_NAMESPACE": namespace,
            "DRAIN_SECRET": SECRET,
            "CONTRACT_CREATION_ROUTE": ROUTE,
        }
    )
    os.environ.pop("AWS_ROLE_ARN", None)
    rates = {}
    try:
        with running_app() as url, httpx.Client(timeout=120) as client:
            for label, (route, make) in deliveries.items():
                timings = []
                for _ in range(RUNS + 1):
                    # A new delivery each time: one posted again is counted once, and skipped.
                    body = make(int(time.time() * 1000))
                    headers = payloads.signed(SECRET, body)
                    start = time.perf_counter()
                    response = client.post(
                        f"{url}/api/drain/{route}", content=body, headers=headers
                    )
                    timings.append(time.perf_counter() - start)
                    assert response.status_code == 200, response.text
                    assert response.json()["counted"] > 0
                rates[label] = ENTRIES / statistics.median(timings[1:])
    finally:
        moto.stop()
        forget_replays(namespace)
    return rates


def forget_replays(namespace: str) -> None:
    import redis

    with redis.Redis.from_url(REDIS_URL) as client:
        for key in client.scan_iter(f"{drain_counts.PREFIX}:{namespace}:*"):
            client.delete(key)


def main() -> None:
    deliveries: dict[str, tuple[str, Callable[[int], bytes]]] = {
        "log drain, JSON array": ("logs", lambda now: log_delivery(now, payloads.as_json)),
        "log drain, NDJSON": ("logs", lambda now: log_delivery(now, payloads.as_ndjson)),
        "trace drain, OTLP JSON": ("traces", trace_delivery),
    }
    now_ms = int(time.time() * 1000)
    print(f"drain ingestion, one delivery of {ENTRIES} entries (median of {RUNS} runs)")
    for label, (route, make) in deliveries.items():
        body = make(now_ms)
        rate, peak = in_process(route, body)
        size = len(body) / 2**20
        print(
            f"  in process  {label:24} {rate:>10,.0f} entries/s   peak {peak:5.1f} MiB"
            f"   (body {size:.1f} MiB)"
        )
    for label, rate in over_http(deliveries).items():
        print(f"  over HTTP   {label:24} {rate:>10,.0f} entries/s   (app, recorded in Redis)")


if __name__ == "__main__":
    main()

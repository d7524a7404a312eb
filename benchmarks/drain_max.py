"""The drain's worst deliveries: what one costs, and the health check while three arrive.

- One delivery at the 4.5 MB limit, read in a fresh interpreter (signature, parsing,
  per-minute aggregation: `app.routes.drain_endpoint._read_delivery`): wall time, the process's
  peak RSS, and how much the reading added to it (peak RSS after, less the RSS with the
  body loaded). Bodies: 1.5 million `{}` (the attack of issue 26), Vercel log entries,
  OTLP spans with ten attributes each, 2.25 million numbers, 1.1 million strings.
- The health check while three such deliveries arrive at once: `python -m app serve`
  (uvicorn, as on Vercel) against the local PostgreSQL and Redis and moto, a client
  asking /api/health back to back while three threads post the deliveries, three
  rounds; p50, p99 and the slowest health answer during the posts, beside the same
  client with no delivery. `--app-dir DIR` runs another checkout's app, for a before
  and after.
Run with `make bench`, or `.venv/bin/python benchmarks/drain_max.py`.
"""

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from app.routes import limits
from benchmarks.drain_bodies import MILLION_OBJECTS, ROUTE, bodies, log_entries_body
from tests.app import drain_payloads as payloads
from tests.app.stand_ins import status_page

REPO = Path(__file__).resolve().parent.parent
SECRET = "drain-secret-for-the-benchmark-0123456789"  # noqa: S105 (a local stand-in)
REDIS_URL = "redis://127.0.0.1:6379/0"
ROUNDS = 3


def read_one(kind: str, path: str) -> None:
    """In a fresh interpreter: read one delivery, print the figures as JSON."""
    from app.routes import drain, drain_endpoint

    body = Path(path).read_bytes()
    signature = payloads.signed(SECRET, body)["x-vercel-signature"].encode()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        _, observed = drain_endpoint._read_delivery(
            kind, SECRET, body, signature, ROUTE, int(time.time() * 1000)
        )
        outcome = f"read, {len(observed.observations):,} requests or spans"
    except drain.TooManyValues as error:
        outcome = f"413: {error}"
    except drain.BadDelivery as error:
        outcome = f"400: {error}"
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak": peak / 1024, "added": (peak - before) / 1024,
                      "outcome": outcome}))  # fmt: skip


def one_delivery(now_ms: int) -> None:
    print("one delivery at the 4.5 MB limit, read in a fresh interpreter")
    with tempfile.TemporaryDirectory() as scratch:
        for label, (kind, body) in bodies(now_ms).items():
            assert len(body) <= limits.MAX_BODY_BYTES, label
            path = Path(scratch) / "body"
            path.write_bytes(body)
            out = subprocess.run(
                [sys.executable, __file__, "--read", kind, str(path)],
                capture_output=True, text=True, check=True, cwd=REPO,
            ).stdout  # fmt: skip
            figures = json.loads(out)
            print(
                f"  {label:27} {len(body) / 1e6:4.2f} MB  {figures['seconds'] * 1000:7.0f} ms"
                f"   peak RSS {figures['peak']:4.0f} MiB (+{figures['added']:3.0f})"
                f"   {figures['outcome']}"
            )


@contextmanager
def served_app(app_dir: Path, namespace: str) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, moto_port = moto.get_host_and_port()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with status_page(200) as status_url:
        environment = {
            **os.environ, "PYTHONPATH": str(app_dir),
            "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test", "REDIS_URL": REDIS_URL,
            "STRIPE_STATUS_URL": status_url, "DRAIN_SECRET": SECRET, "METRICS_NAMESPACE": namespace,
            "AWS_ENDPOINT_URL": f"http://{host}:{moto_port}", "AWS_ACCESS_KEY_ID": "benchmark",
            "AWS_SECRET_ACCESS_KEY": "benchmark", "AWS_DEFAULT_REGION": "eu-central-2",
        }  # fmt: skip
        environment.pop("AWS_ROLE_ARN", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(port)],
            env=environment,
            cwd=app_dir,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(f"{url}/api/health", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)
            moto.stop()


def health_while(url: str, deliver: Callable[[], None] | None) -> list[float]:
    """Health latencies (s), back to back, while `deliver` runs (or for 3 s without)."""
    latencies: list[float] = []
    done = threading.Event()

    def post() -> None:
        if deliver is None:
            time.sleep(3)
        else:
            deliver()
        done.set()

    poster = threading.Thread(target=post)
    with httpx.Client(timeout=30) as client:
        poster.start()
        while not done.is_set():
            started = time.perf_counter()
            client.get(f"{url}/api/health")
            latencies.append(time.perf_counter() - started)
    poster.join()
    return latencies


def three_at_once(
    url: str, route: str, make: Callable[[], bytes], statuses: list[int]
) -> Callable[[], None]:
    def post(body: bytes) -> None:
        headers = payloads.signed(SECRET, body)
        response = httpx.post(
            f"{url}/api/drain/{route}", content=body, headers=headers, timeout=120
        )
        statuses.append(response.status_code)

    def deliver() -> None:
        threads = [threading.Thread(target=post, args=(make(),)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    return deliver


def summary(latencies: list[float]) -> str:
    ms = sorted(value * 1000 for value in latencies)
    p99 = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]
    return (f"{len(ms):4} answers  p50 {statistics.median(ms):6.1f} ms  p99 {p99:7.1f} ms"
            f"  slowest {ms[-1]:7.1f} ms")  # fmt: skip


def health(app_dir: Path, now_ms: int) -> None:
    namespace = f"CRMS/benchmark-{uuid.uuid4().hex[:8]}"
    cases = {
        "1.5 million {}": ("logs", lambda: MILLION_OBJECTS),
        "Vercel log entries, 4.5 MB": ("logs", lambda: log_entries_body(now_ms)),
    }
    print(f"health while three deliveries arrive at once ({ROUNDS} rounds; app in {app_dir})")
    with served_app(app_dir, namespace) as url:
        print(f"  no delivery{'':25} {summary(health_while(url, None))}")
        for label, (route, make) in cases.items():
            latencies: list[float] = []
            statuses: list[int] = []
            for _ in range(ROUNDS):
                latencies += health_while(url, three_at_once(url, route, make, statuses))
            answers = ", ".join(f"{n} x {code}" for code, n in sorted(Counter(statuses).items()))
            print(f"  three of {label:27} {summary(latencies)}   (deliveries: {answers})")
    from benchmarks.drain import forget_replays

    forget_replays(namespace)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--app-dir", type=Path, default=REPO, help="the checkout whose app runs")
    parser.add_argument("--read", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        read_one(*args.read)
        return
    now_ms = int(time.time() * 1000)
    one_delivery(now_ms)
    health(args.app_dir.resolve(), now_ms)


if __name__ == "__main__":
    main()

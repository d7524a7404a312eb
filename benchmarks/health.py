"""The ops app: health latency under load (its size and cold start: benchmarks/build.py).

- Health: `python -m app serve` against the local PostgreSQL and Redis and a
  local stand-in of the status page; 64 connections send requests concurrently
  for 10 s (after a 3 s warm-up) and the p50 and p99 latency and the errors are
  reported. Target: p99 at most 20 ms, zero errors. The load comes from wrk
  (Debian's `wrk` package) when installed: a Python client on the same two
  cores would measure itself more than the app. Without wrk, an httpx client
  runs instead, and the figures say so.
- Health with the database hung: the same 64 connections, with PostgreSQL behind
  a proxy that goes silent mid-query (and on the cancel request) after a
  healthy start, and a 1 s budget. Every answer must be a 503 within the budget
  plus 100 ms; the figure is the slowest answer.
Run with `make bench`.
"""

import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

import httpx

from tests.app.fault_proxy import fault_proxy
from tests.app.stand_ins import status_page

CONCURRENCY = 64
REQUESTS_PER_CLIENT = 50
PORT = 8765


def wrk_run(url: str, warm_up: bool = True) -> dict[str, float]:
    """wrk's figures: p50, p99 and max in ms, requests, non-2xx answers, socket errors."""
    if warm_up:
        subprocess.run(
            ["wrk", "-t1", f"-c{CONCURRENCY}", "-d3s", url], capture_output=True, check=True
        )
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONCURRENCY}", "-d10s", "--timeout", "10s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def millis(pattern: str) -> float:
        match = re.search(pattern + r"([\d.]+)(us|ms|s)\b", out)
        assert match, out
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = re.search(r"(\d+) requests in", out)
    return {
        "p50": millis(r"50%\s+"),
        "p99": millis(r"99%\s+"),
        # The thread stats line: Latency avg stdev max.
        "max": millis(r"Latency\s+\S+\s+\S+\s+"),
        "requests": float(requests.group(1)) if requests else 0.0,
        "non_2xx": float(sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))),
        "socket_errors": float(
            sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
        ),
    }


def wrk_load(url: str) -> tuple[float, float, int]:
    """p50 and p99 in ms, and errors, from wrk's latency distribution."""
    figures = wrk_run(url)
    print(f"health: {figures['requests']:.0f} requests (wrk, {CONCURRENCY} connections)")
    return figures["p50"], figures["p99"], int(figures["non_2xx"] + figures["socket_errors"])


async def load(
    url: str, requests_per_client: int = REQUESTS_PER_CLIENT, expected_status: int = 200
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:

        async def one_client() -> None:
            nonlocal errors
            for _ in range(requests_per_client):
                started = time.perf_counter()
                try:
                    response = await client.get(url)
                    ok = response.status_code == expected_status
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - started)
                errors += 0 if ok else 1

        await asyncio.gather(*(one_client() for _ in range(CONCURRENCY)))
    return latencies, errors


def health_latency() -> None:
    with status_page(200) as status_url:
        environment = {
            **os.environ,
            "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "STRIPE_STATUS_URL": status_url,
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(PORT)], env=environment
        )
        url = f"http://127.0.0.1:{PORT}/api/health"
        try:
            for _ in range(100):
                try:
                    httpx.get(url, timeout=5)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            if shutil.which("wrk"):
                p50, p99, errors = wrk_load(url)
            else:
                asyncio.run(load(url))  # warm-up: pools filled, code paths hot
                latencies, errors = asyncio.run(load(url))
                p50 = statistics.median(latencies) * 1000
                p99 = statistics.quantiles(latencies, n=100)[98] * 1000
                print(
                    f"health: {len(latencies)} requests (httpx client: install wrk for the figure)"
                )
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"  p50 {p50:.1f} ms   p99 {p99:.1f} ms   errors {errors}")
    print(f"  target p99 <= 20 ms, 0 errors: {'met' if p99 <= 20 and not errors else 'MISSED'}")


def health_with_the_database_hung() -> None:
    budget = 1.0
    with status_page(200) as status_url, fault_proxy(5432) as database:
        environment = {
            **os.environ,
            "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{database.port}/test",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "STRIPE_STATUS_URL": status_url,
            "HEALTH_BUDGET_SECONDS": str(budget),
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(PORT)], env=environment
        )
        url = f"http://127.0.0.1:{PORT}/api/health"
        try:
            for _ in range(100):
                try:
                    if httpx.get(url, timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            database.set_mode("hang_after_first_response")
            time.sleep(1.1)  # the last healthy result expires
            if shutil.which("wrk"):
                figures = wrk_run(url, warm_up=False)
            else:
                latencies, errors = asyncio.run(
                    load(url, requests_per_client=10, expected_status=503)
                )
                figures = {
                    "p50": statistics.median(latencies) * 1000,
                    "p99": statistics.quantiles(latencies, n=100)[98] * 1000,
                    "max": max(latencies) * 1000,
                    "requests": len(latencies),
                    "non_2xx": len(latencies) - errors,
                    "socket_errors": 0,
                }
        finally:
            server.terminate()
            server.wait(timeout=30)
    client = "wrk" if shutil.which("wrk") else "httpx client: install wrk for the figure"
    print(
        f"health with the database hung ({budget:.0f} s budget): "
        f"{figures['requests']:.0f} requests ({client})"
    )
    not_503 = figures["requests"] - figures["non_2xx"] + figures["socket_errors"]
    print(
        f"  p50 {figures['p50']:.1f} ms   p99 {figures['p99']:.1f} ms   "
        f"slowest {figures['max']:.0f} ms   not 503: {not_503:.0f}"
    )
    within = figures["max"] <= (budget + 0.1) * 1000 and not not_503
    print(
        f"  target every answer a 503 within {budget + 0.1:.1f} s: {'met' if within else 'MISSED'}"
    )


if __name__ == "__main__":
    health_latency()
    health_with_the_database_hung()

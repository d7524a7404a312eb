"""The health answer's time under each fault of PostgreSQL and Redis, against its budget.

`python -m app serve` with a 1 s health budget, its database and Redis behind the fault
proxies of tests/app/test_faults.py (which checks the status, the reason and that nothing
leaks). For each service and fault: five answers, each with a fresh result (the app
reuses one for a second), the first with the fault new and the others with earlier probes
still stuck; printed are the median and the slowest against the target, the budget plus
100 ms. Run with `make bench`.
"""

import socket
import statistics
import tempfile
import time
from pathlib import Path

from tests.app.fault_app import BUDGET, FAULTS, FRESH_SECONDS, RunningApp, app_behind_faults

TARGET = BUDGET + 0.1
ANSWERS = 5
SLOW_BUT_TIMELY = 0.05
"""A dependency this slow is healthy, and answered well within the budget."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def healthy_at_start(app: RunningApp) -> None:
    """The first answers may spend the budget on connecting (a loaded machine)."""
    for _ in range(10):
        if app.get()[0].status_code == 200:
            return
        time.sleep(FRESH_SECONDS)
    raise AssertionError("the app is not healthy without faults")


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        app_behind_faults(free_port(), Path(folder) / "server.log", "warning") as app,
    ):
        healthy_at_start(app)
        print(f"health answer under faults (budget {BUDGET:.1f} s; target {TARGET:.2f} s)")
        slowest_of_all = 0.0
        for service in ("database", "redis"):
            proxy = app.database if service == "database" else app.redis
            for mode, _ in FAULTS:
                proxy.set_mode(mode, delay=BUDGET)
                times = []
                for _ in range(ANSWERS):
                    time.sleep(FRESH_SECONDS)
                    response, elapsed = app.get()
                    assert response.status_code == 503, (service, mode, response.text)
                    times.append(elapsed)
                slowest_of_all = max(slowest_of_all, *times)
                print(
                    f"  {service:8} {mode:26} median {statistics.median(times) * 1000:6.0f} ms"
                    f"   slowest {max(times) * 1000:6.0f} ms"
                )
                proxy.set_mode("pass")
                healthy_at_start(app)
        app.database.set_mode("slow", delay=SLOW_BUT_TIMELY)
        app.redis.set_mode("slow", delay=SLOW_BUT_TIMELY)
        time.sleep(FRESH_SECONDS)
        response, elapsed = app.get()
        assert response.status_code == 200
        print(f"  both {SLOW_BUT_TIMELY * 1000:.0f} ms slow: healthy in {elapsed * 1000:.0f} ms")
        verdict = "met" if slowest_of_all <= TARGET else "MISSED"
        print(f"  slowest answer {slowest_of_all * 1000:.0f} ms: target {verdict}")


if __name__ == "__main__":
    main()

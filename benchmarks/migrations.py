"""Time to apply every migration to an empty database, and of a no-op rerun.

Runs against the local PostgreSQL (127.0.0.1:5432), each sample on a database of
its own (with the test-only Supabase shim). Run with `make bench`.
"""

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial

from app.migrate import migrate
from app.migration_set import discover
from tests.conftest import fresh_database

SAMPLES = 5


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> int:
    migrations = discover()
    first, rerun = [], []
    for _ in range(SAMPLES):
        with fresh_database() as url:
            first.append(timed(partial(migrate, url, migrations)))
            rerun.append(timed(partial(migrate, url, migrations)))
    print(f"migrations: {len(migrations)}, median of {SAMPLES} fresh databases")
    print(f"{'apply all to an empty database':<34}{statistics.median(first) * 1000:8.1f} ms")
    print(f"{'no-op rerun':<34}{statistics.median(rerun) * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

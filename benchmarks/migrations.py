"""Migrations: time to apply all, a no-op rerun, and the cost of the RLS policies.

Runs against the local PostgreSQL (127.0.0.1:5432), each sample on a database of
its own (with the test-only Supabase shim). Run with `make bench`.

The policy figures: a signed-in member of a large company selects its 10,000
vehicles (a small company owns 500 more, so the planner scans the table and the
policy filters each row rather than picking an index), through the
`company_isolation` policy as migrated, then with that policy rewritten in each
of the two forms, so one run compares them on the same data:
  - `auth.jwt() ->> 'company_id'`: the claim may be read once per row;
  - `(select auth.jwt()) ->> 'company_id'`: an InitPlan, read once per statement,
    the form Supabase recommends (splinter lint 0003_auth_rls_initplan,
    https://supabase.github.io/splinter/0003_auth_rls_initplan).
"""

import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial

import psycopg

from app.operators.migrate import migrate
from app.operators.migration_set import discover
from tests.local_services import fresh_database

SAMPLES = 5
ROWS = 10_000
OTHER_ROWS = 500
SELECTS = 20
POLICY_FORMS = {
    "auth.jwt() per row": "auth.jwt() ->> 'company_id'",
    "(select auth.jwt()) per statement": "(select auth.jwt()) ->> 'company_id'",
}


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def seed_vehicles(url: str) -> str:
    """A large company with ROWS vehicles and a small one; returns the large one's id."""
    with psycopg.connect(url, autocommit=True) as conn:
        first: str = ""
        for label, count in (("bench_large", ROWS), ("bench_small", OTHER_ROWS)):
            row = conn.execute(
                "INSERT INTO public.companies (name) VALUES (%s) RETURNING id::text", [label]
            ).fetchone()
            assert row is not None
            first = first or row[0]
            conn.execute(
                "INSERT INTO public.vehicles (company_id, plate, make, model, daily_rate_chf)"
                " SELECT %s, 'ZH-' || n, 'VW', 'Golf', 89 FROM generate_series(1, %s) AS n",
                [row[0], count],
            )
        conn.execute("ANALYZE public.vehicles")
    return first


def select_as_member(url: str, company: str) -> tuple[float, float]:
    """Median time of one `SELECT *` of the company's vehicles, as PostgREST runs it:
    as the client sees it (rows fetched), and the server's own execution time."""
    claims = json.dumps({"role": "authenticated", "company_id": company})
    query = "SELECT * FROM public.vehicles"
    fetched, executed = [], []
    with psycopg.connect(url) as conn:
        conn.execute("SELECT set_config('request.jwt.claims', %s, false)", [claims])
        conn.execute("SET ROLE authenticated")
        for _ in range(SELECTS):
            started = time.perf_counter()
            rows = conn.execute(query).fetchall()
            fetched.append(time.perf_counter() - started)
            assert len(rows) == ROWS, len(rows)
            plan = conn.execute(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {query}").fetchone()
            assert plan is not None
            executed.append(plan[0][0]["Execution Time"] / 1000)
        conn.rollback()
    return statistics.median(fetched), statistics.median(executed)


def report(label: str, timings: tuple[float, float]) -> None:
    fetched, executed = timings
    figures = f"{fetched * 1000:8.1f} ms fetched {executed * 1000:8.1f} ms on the server"
    print(f"{'  ' + label:<44}{figures}")


def rewrite_policy(url: str, claim: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP POLICY company_isolation ON public.vehicles")
        conn.execute(
            "CREATE POLICY company_isolation ON public.vehicles FOR ALL TO authenticated"
            f" USING (company_id = ({claim})::uuid) WITH CHECK (company_id = ({claim})::uuid)"
        )


def main() -> int:
    migrations = discover()
    first, rerun = [], []
    for _ in range(SAMPLES):
        with fresh_database() as url:
            first.append(timed(partial(migrate, url, migrations)))
            rerun.append(timed(partial(migrate, url, migrations)))
    print(f"migrations: {len(migrations)}, median of {SAMPLES} fresh databases")
    print(f"{'apply all to an empty database':<44}{statistics.median(first) * 1000:8.1f} ms")
    print(f"{'no-op rerun':<44}{statistics.median(rerun) * 1000:8.1f} ms")

    with fresh_database() as url:
        migrate(url, migrations)
        company = seed_vehicles(url)
        print(f"select {ROWS:,} of {ROWS + OTHER_ROWS:,} vehicles as a member, median of {SELECTS}")
        report("policy as migrated", select_as_member(url, company))
        for label, claim in POLICY_FORMS.items():
            rewrite_policy(url, claim)
            report(label, select_as_member(url, company))
    return 0


if __name__ == "__main__":
    sys.exit(main())

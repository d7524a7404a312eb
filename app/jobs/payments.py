"""Payment attempts and failures of one window, counted in the database.

The `payments` table is tenant data under row-level security; the count runs as
`service_role` (Supabase's role that bypasses RLS and keeps SELECT on `payments`)
in a read-only transaction, and only two numbers leave it: nothing that names a
company. An attempt is a payment row created in the window; a failure is one of
those whose status is `failed` (the statuses of 001_initial_schema.sql).
"""

import datetime as dt
from dataclasses import dataclass

import psycopg

from app.metric_catalog import PAYMENT_WINDOW_SECONDS

QUERY = """
SELECT count(*), count(*) FILTER (WHERE status = 'failed')
FROM public.payments
WHERE created_at >= %(start)s AND created_at < %(end)s
"""


@dataclass(frozen=True)
class PaymentWindow:
    start: dt.datetime
    end: dt.datetime
    attempts: int
    failures: int


def window_before(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The whole window that ended last: [end - period, end), end on the period's grid, so
    that a late cron run counts the same rows and consecutive runs neither overlap nor gap."""
    period = PAYMENT_WINDOW_SECONDS
    end_seconds = int(now.timestamp()) // period * period
    end = dt.datetime.fromtimestamp(end_seconds, dt.UTC)
    return end - dt.timedelta(seconds=period), end


def count_payments(database_url: str, start: dt.datetime, timeout: float = 5.0) -> PaymentWindow:
    """The payments of the window that starts at `start` (one of window_before's)."""
    end = start + dt.timedelta(seconds=PAYMENT_WINDOW_SECONDS)
    with psycopg.connect(database_url, connect_timeout=int(max(1, timeout))) as conn:
        conn.read_only = True
        with conn.transaction():
            conn.execute(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
            conn.execute("SET LOCAL ROLE service_role")
            row = conn.execute(QUERY, {"start": start, "end": end}).fetchone()
    attempts, failures = (int(row[0]), int(row[1])) if row else (0, 0)
    return PaymentWindow(start, end, attempts, failures)

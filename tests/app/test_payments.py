"""Payments from the database: the metrics cron counts the last window's payments by
status as service_role, publishes them, and the payment alarm as the prod plan defines
it breaches above 5% failures and not at 5%."""

import datetime as dt
import time
import uuid
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from psycopg import sql

from app import metric_catalog as catalog
from app.jobs.payments import count_payments, window_before
from app.operators.migrate import migrate
from app.operators.migration_set import discover
from tests.app.alarm_evaluator import evaluate
from tests.app.running_app import running_app
from tests.app.tenants import A, B, seed_company
from tests.helpers import by_name
from tests.local_services import REDIS_URL, fresh_database

CRON_SECRET = "cron-secret-for-tests"


@pytest.fixture(scope="module")
def migrated() -> Iterator[tuple[str, dict[str, dict[str, str]]]]:
    with fresh_database() as url:
        migrate(url, discover())
        with psycopg.connect(url, autocommit=True) as conn:
            rows = {company: seed_company(conn, company) for company in (A, B)}
            conn.execute("DELETE FROM public.payments")  # the seed's own payment is "now"
        yield url, rows


def add_payments(
    url: str, rows: dict[str, dict[str, str]], at: dt.datetime, statuses: dict[str, int]
) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for status, count in statuses.items():
            for number in range(count):
                company = rows[(A, B)[number % 2]]  # both companies: counted across tenants
                conn.execute(
                    "INSERT INTO public.payments (company_id, contract_id, amount_chf, status,"
                    " created_at) VALUES (%s, %s, 10, %s, %s)",
                    [company["companies"], company["contracts"], status, at],
                )


def test_the_window_is_the_last_whole_period() -> None:
    now = dt.datetime(2026, 11, 25, 10, 7, 42, tzinfo=dt.UTC)
    assert window_before(now) == (
        dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 25, 10, 5, tzinfo=dt.UTC),
    )
    assert window_before(now + dt.timedelta(seconds=200))[0] == window_before(now)[1]


def test_counts_every_companys_payments_of_the_window_as_service_role(
    migrated: tuple[str, dict[str, dict[str, str]]],
) -> None:
    url, rows = migrated
    now = dt.datetime(2025, 3, 3, 12, 2, tzinfo=dt.UTC)
    start, end = window_before(now)
    add_payments(url, rows, start, {"succeeded": 7, "failed": 2, "pending": 1})
    add_payments(url, rows, end - dt.timedelta(microseconds=1), {"refunded": 1, "failed": 1})
    add_payments(url, rows, end, {"failed": 5})  # the next window's
    add_payments(url, rows, start - dt.timedelta(seconds=1), {"failed": 5})  # the previous
    # A login role like Supabase's `postgres`: no superuser, member of service_role.
    login = f"ops_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(login)))
        conn.execute(sql.SQL("GRANT service_role TO {}").format(sql.Identifier(login)))
    as_login = url.replace("postgres@", f"{login}@")
    try:
        window = count_payments(as_login, start)
        with psycopg.connect(as_login) as conn:
            # Without SET ROLE, BYPASSRLS (never inherited) does not apply: RLS hides all.
            hidden = conn.execute("SELECT count(*) FROM public.payments").fetchone()
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(login)))
    assert (window.start, window.end, window.attempts, window.failures) == (start, end, 12, 3)
    assert hidden == (0,)


@pytest.mark.parametrize(("failed", "expected"), [(5, "OK"), (6, "ALARM")])
def test_the_cron_publishes_payments_and_the_alarm_breaches_above_five_percent(
    aws_env: str,  # noqa: ARG001 (its environment)
    monkeypatch: pytest.MonkeyPatch,
    failed: int,
    expected: str,
) -> None:
    namespace = catalog.namespace(f"test-{uuid.uuid4().hex[:8]}")
    with fresh_database() as url:
        migrate(url, discover())
        with psycopg.connect(url, autocommit=True) as conn:
            rows = {company: seed_company(conn, company) for company in (A, B)}
            conn.execute("DELETE FROM public.payments")
        for name, value in {
            "DATABASE_URL": url, "REDIS_URL": REDIS_URL,
            "CRON_SECRET": CRON_SECRET, "METRICS_NAMESPACE": namespace,
        }.items():  # fmt: skip
            monkeypatch.setenv(name, value)
        # Far enough from a window's end that the cron counts the window seeded here.
        while (time.time() % catalog.PAYMENT_WINDOW_SECONDS) > catalog.PAYMENT_WINDOW_SECONDS - 15:
            time.sleep(1)
        start, end = window_before(dt.datetime.now(dt.UTC))
        add_payments(url, rows, start + dt.timedelta(seconds=30), {"succeeded": 100 - failed})
        add_payments(url, rows, start + dt.timedelta(seconds=90), {"failed": failed})
        with running_app() as app_url:
            response = httpx.get(
                f"{app_url}/api/cron/metrics",
                headers={"Authorization": f"Bearer {CRON_SECRET}"},
                timeout=30,
            )
    assert response.status_code == 200, response.text
    assert response.json()["paymentAttempts"] == 100
    assert response.json()["paymentFailures"] == failed
    assert 0 < response.json()["databaseDiskUsagePercent"] < 100
    alarm = by_name("prod", "aws:cloudwatch/metricAlarm:MetricAlarm")["alerts-payment-failures"]
    assert evaluate(alarm["inputs"], namespace, end) == expected
    disk = by_name("prod", "aws:cloudwatch/metricAlarm:MetricAlarm")["alerts-low-disk-space"]
    assert evaluate({**disk["inputs"], "evaluationPeriods": 1, "datapointsToAlarm": 1},
                    namespace, end + dt.timedelta(minutes=5)) == "OK"  # fmt: skip

"""End to end: signed drain deliveries posted to the running app land in CloudWatch (moto,
server mode), and each alarm, as the prod plan defines it, breaches exactly when the
seed's threshold is crossed and not at it."""

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import pytest

from tests.app import drain_payloads as payloads
from tests.app.alarm_evaluator import evaluate, period_values
from tests.app.drain_payloads import Served
from tests.helpers import by_name

SECRET = payloads.SECRET
ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm"


def prod_alarm(name: str) -> dict[str, Any]:
    inputs: dict[str, Any] = by_name("prod", ALARM_TYPE)[f"alerts-{name}"]["inputs"]
    return inputs


def minute_floor(now: dt.datetime) -> dt.datetime:
    return now.replace(second=0, microsecond=0)


@pytest.fixture(autouse=True)
def recording_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The drains take the tests' traffic of the last ten minutes as if it were arriving
    now (a minute closes SETTLE_MS after it ends); each test then publishes the minutes."""
    from app.routes import drain_counts

    past = drain_counts.now_ms() - 12 * 60_000
    monkeypatch.setattr(drain_counts, "now_ms", lambda: past)


def published_now(namespace: str) -> None:
    payloads.publish_closed(namespace, int(dt.datetime.now(dt.UTC).timestamp() * 1000))


def post(url: str, body: bytes) -> httpx.Response:
    return httpx.post(url, content=body, headers=payloads.signed(SECRET, body), timeout=60)


def traffic(end: dt.datetime, minutes: int, per_minute: int, errors: int) -> list[Served]:
    """`per_minute` requests in each of the `minutes` before `end`, `errors` of them 5xx."""
    served = []
    for minute in range(minutes):
        start_ms = int((end - dt.timedelta(minutes=minutes - minute)).timestamp() * 1000)
        for index in range(per_minute):
            status = 502 if index < errors else (404 if index % 7 == 0 else 200)
            served.append(Served(start_ms + index * 50, status))
    return served


@pytest.mark.parametrize(("errors_per_minute", "expected"), [(10, "OK"), (11, "ALARM")])
@pytest.mark.parametrize("encode", [payloads.as_json, payloads.as_ndjson])
def test_error_rate_breaches_above_one_percent_over_five_minutes(
    app_url: str,
    namespace: str,
    errors_per_minute: int,
    expected: str,
    encode: Callable[[Sequence[dict[str, Any]]], bytes],
) -> None:
    alarm = prod_alarm("high-error-rate")
    end = minute_floor(dt.datetime.now(dt.UTC))
    # 5 minutes x 1,000 requests = 5,000 entries in one delivery (404s are not errors).
    entries = payloads.log_entries(traffic(end, 5, 1000, errors_per_minute))
    assert len(entries) == 5000
    response = post(f"{app_url}/api/drain/logs", encode(entries))
    assert response.status_code == 200, response.text
    assert response.headers["x-vercel-verify"] == "verify-code-for-tests"
    published_now(namespace)
    assert evaluate(alarm, namespace, end) == expected


def test_one_good_minute_in_five_keeps_the_error_alarm_quiet(app_url: str, namespace: str) -> None:
    end = minute_floor(dt.datetime.now(dt.UTC))
    # Five bad minutes (25% errors), then a good one; delivered in batches of 100 requests,
    # each request also logging a function line (same requestId: counted once).
    served = traffic(end - dt.timedelta(minutes=1), 5, 200, 50) + traffic(end, 1, 200, 0)
    for chunk in range(0, len(served), 100):
        entries = payloads.log_entries(served[chunk : chunk + 100], function_lines=True)
        assert post(f"{app_url}/api/drain/logs", payloads.as_ndjson(entries)).status_code == 200
    published_now(namespace)
    assert evaluate(prod_alarm("high-error-rate"), namespace, end) == "OK"
    assert evaluate(prod_alarm("high-error-rate"), namespace, end - dt.timedelta(minutes=1)) == (
        "ALARM"
    )


@pytest.mark.parametrize("extra_lines", [False, True])
def test_a_single_request_counts_once(app_url: str, namespace: str, extra_lines: bool) -> None:
    end = minute_floor(dt.datetime.now(dt.UTC))
    entries = payloads.log_entries(traffic(end, 1, 1, 1), function_lines=extra_lines)
    if extra_lines:  # its function's own line, and a build line: still one request
        entries.append(payloads.build_entry(int(end.timestamp() * 1000) - 1000))
    assert len(entries) == (3 if extra_lines else 1)
    response = post(f"{app_url}/api/drain/logs", payloads.as_ndjson(entries))
    assert response.json() == {"counted": 2, "seen": 0, "late": 0}  # it, and the heartbeat
    published_now(namespace)
    queries = prod_alarm("high-error-rate")["metricQueries"]
    start = [end - dt.timedelta(minutes=1)]
    failures, attempts = (query["metric"] for query in queries[:2])
    assert period_values(attempts, namespace, "Sum", 60, start) == [1.0]
    assert period_values(failures, namespace, "Sum", 60, start) == [1.0]


@pytest.mark.parametrize(("slow_seconds", "expected"), [(5.0, "OK"), (5.001, "ALARM")])
def test_contract_creation_p95_breaches_above_five_seconds_over_ten_minutes(
    app_url: str, namespace: str, slow_seconds: float, expected: str
) -> None:
    alarm = prod_alarm("slow-contract-creation")
    end = minute_floor(dt.datetime.now(dt.UTC))
    spans = []
    for minute in range(10):
        end_ms = int((end - dt.timedelta(minutes=10 - minute)).timestamp() * 1000)
        for index in range(100):  # 94 fast, 6 at the edge: the 95th of 100 is the edge
            seconds = slow_seconds if index >= 94 else 0.8 + index / 1000
            spans.append(payloads.span("POST /api/contracts", end_ms + index * 100, seconds))
        # Slow requests of other routes, and a client span of the route, do not count.
        spans.append(payloads.span("GET /api/vehicles", end_ms + 500, 30.0))
        spans.append(payloads.span("POST /api/contracts", end_ms + 600, 40.0, kind=3))
    response = post(f"{app_url}/api/drain/traces", payloads.trace_export(spans))
    assert response.status_code == 200, response.text
    published_now(namespace)
    assert evaluate(alarm, namespace, end) == expected


@pytest.mark.parametrize(("delivered", "expected"), [(False, "ALARM"), (True, "OK")])
def test_a_silent_drain_alarms(
    app_url: str, namespace: str, delivered: bool, expected: str
) -> None:
    if delivered:
        now_ms = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
        body = payloads.as_ndjson([payloads.build_entry(now_ms)])  # no request, still a delivery
        assert post(f"{app_url}/api/drain/logs", body).status_code == 200
        published_now(namespace)
    end = minute_floor(dt.datetime.now(dt.UTC)) + dt.timedelta(minutes=1)
    assert evaluate(prod_alarm("drain-silence"), namespace, end) == expected

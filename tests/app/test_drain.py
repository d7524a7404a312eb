"""The drain's parsing and per-minute aggregation, as Vercel's references define the input."""

import datetime as dt
import hashlib
import hmac
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from app.routes import drain, drain_traces
from tests.app import drain_payloads as payloads
from tests.app.drain_payloads import Served

NOW_MS = 1_764_000_000_000 - 1_764_000_000_000 % 60_000  # a minute boundary
MINUTE = 60_000
ROUTE = "POST /api/contracts"


def request_minutes(entries: list[dict[str, Any]]) -> dict[int, tuple[int, int]]:
    observed = drain.request_observations(entries, NOW_MS)
    return drain.request_minutes(observed.observations.values())


def route_durations(spans: Sequence[Mapping[str, Any]]) -> dict[int, Counter[float]]:
    observed = drain_traces.span_observations(spans, ROUTE, NOW_MS)
    return drain_traces.route_durations(observed.observations.values())


def test_the_signature_is_hex_hmac_sha1_of_the_raw_body() -> None:
    body = b'[{"id":"1"}]'
    good = hmac.new(b"secret", body, hashlib.sha1).hexdigest().encode()
    assert drain.signature_matches("secret", body, good)
    assert drain.signature_matches("secret", body, good.upper())  # hex is hex
    assert not drain.signature_matches("secret", body + b" ", good)
    assert not drain.signature_matches("other", body, good)
    assert not drain.signature_matches("secret", body, None)


def test_json_and_ndjson_give_the_same_entries() -> None:
    entries = payloads.log_entries([Served(NOW_MS, 200), Served(NOW_MS, 503)])
    assert drain.parse_log_entries(payloads.as_json(entries)) == entries
    assert drain.parse_log_entries(payloads.as_ndjson(entries)) == entries
    assert drain.parse_log_entries(payloads.as_ndjson(entries).replace(b"\n", b"\r\n")) == entries


def test_requests_count_once_per_request_id_and_errors_are_5xx_or_a_crash() -> None:
    served = [Served(NOW_MS - MINUTE + 10, s) for s in (200, 404, 500, 503, 301)]
    entries = payloads.log_entries(served, function_lines=True)  # 2 entries per request
    crashed = {**payloads.log_entries([Served(NOW_MS + 5, 200)])[0], "statusCode": -1}
    del crashed["proxy"]  # a function that crashed: no response, statusCode -1
    revalidation = payloads.log_entries([Served(NOW_MS + 6, 200)])[0]
    revalidation["proxy"]["statusCode"] = -1  # a background revalidation: no client
    build = payloads.build_entry(NOW_MS)
    minutes = request_minutes([*entries, crashed, revalidation, build])
    assert minutes == {NOW_MS - MINUTE: (5, 2), NOW_MS: (1, 1)}


def test_entries_cloudwatch_would_refuse_are_dropped() -> None:
    too_old = Served(NOW_MS - drain.OLDEST_MS - MINUTE, 500)
    too_new = Served(NOW_MS + drain.NEWEST_MS + MINUTE, 500)
    assert request_minutes(payloads.log_entries([too_old, too_new])) == {}


def test_datums_are_statistic_sets_per_minute() -> None:
    datums = drain.request_datums({NOW_MS: (200, 3)})
    requests, errors = datums
    assert requests["MetricName"] == "Requests"
    assert requests["StatisticValues"] == {
        "SampleCount": 200.0, "Sum": 200.0, "Minimum": 1.0, "Maximum": 1.0,
    }  # fmt: skip
    assert errors["StatisticValues"] == {
        "SampleCount": 200.0, "Sum": 3.0, "Minimum": 0.0, "Maximum": 1.0,
    }  # fmt: skip
    assert requests["Timestamp"] == dt.datetime.fromtimestamp(NOW_MS / 1000, dt.UTC)


@pytest.mark.parametrize(
    "span",
    [
        payloads.span("POST /api/contracts", NOW_MS, 1.5),
        payloads.span("POST /api/contracts", NOW_MS, 1.5, kind=2),  # OTLP's enum number
        {
            **payloads.span("POST", NOW_MS, 1.5),
            "attributes": [
                {"key": "http.request.method", "value": {"stringValue": "POST"}},
                {"key": "http.route", "value": {"stringValue": "/api/contracts"}},
            ],
        },
    ],
)
def test_the_routes_server_spans_are_timed(span: dict[str, object]) -> None:
    spans = drain_traces.parse_spans(payloads.trace_export([span]))
    assert route_durations(spans) == {NOW_MS: {1.5: 1}}


def test_other_routes_and_client_spans_are_not() -> None:
    spans = [
        payloads.span("GET /api/contracts", NOW_MS, 9.0),
        payloads.span("POST /api/contracts/1/sign", NOW_MS, 9.0),
        payloads.span("POST /api/contracts", NOW_MS, 9.0, kind="client"),
        {**payloads.span("POST /api/contracts", NOW_MS, 9.0), "endTimeUnixNano": None},
    ]
    assert route_durations(spans) == {}


def test_latencies_go_as_values_and_counts_of_at_most_150_values() -> None:
    spans = [
        payloads.span("POST /api/contracts", NOW_MS + 10, 0.001 * (index % 400 + 1))
        for index in range(1000)
    ]
    datums = list(drain_traces.latency_datums(route_durations(spans)))
    assert [len(d["Values"]) for d in datums] == [150, 150, 100]
    assert sum(sum(d["Counts"]) for d in datums) == 1000
    assert all(d["Unit"] == "Seconds" and d["MetricName"] == "ContractCreationTime" for d in datums)

"""Posting to the drain endpoints and reading what reached CloudWatch: the helpers of the
drain tests (test_drain_hostile.py, test_drain_input_edges.py, test_drain_counting.py).
They need nothing but the app's routes and moto, so a test module using them also runs on
code from before the counts moved to Redis."""

import datetime as dt
import json
import time
from typing import Any

import httpx
import pytest

from app.metrics import cloudwatch
from tests.app import drain_payloads as payloads
from tests.app.drain_payloads import Served

ROUTE = "POST /api/contracts"


def now_ms() -> int:
    return int(time.time() * 1000)


def post(url: str, body: bytes, headers: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.post(
        url, content=body, headers=headers or payloads.signed(payloads.SECRET, body), timeout=60
    )


def published(namespace: str) -> list[str]:
    return [m["MetricName"] for m in cloudwatch().list_metrics(Namespace=namespace)["Metrics"]]


def total(namespace: str, name: str, service: str) -> float:
    """The Sum of a metric over the last hour and the next, as CloudWatch would give it."""
    now = dt.datetime.now(dt.UTC)
    points = cloudwatch().get_metric_statistics(
        Namespace=namespace, MetricName=name, Dimensions=[{"Name": "Service", "Value": service}],
        StartTime=now - dt.timedelta(hours=1), EndTime=now + dt.timedelta(hours=1),
        Period=7200, Statistics=["Sum"],
    )["Datapoints"]  # fmt: skip
    return sum(float(point["Sum"]) for point in points)


def short_refusal(response: httpx.Response, status: int, caplog: pytest.LogCaptureFixture) -> None:
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"}
    assert len(response.text) < 200
    assert "Traceback" not in caplog.text


def with_raw(item: dict[str, Any], **fields: str) -> str:
    """The item as JSON, some of its fields written as raw text (which json.dumps cannot)."""
    rest = {key: value for key, value in item.items() if key not in fields}
    raw = ", ".join(f"{json.dumps(key)}: {text}" for key, text in fields.items())
    return "{" + raw + ", " + json.dumps(rest)[1:]


def log_body(**fields: str) -> bytes:
    """One failed request's log entry, some fields replaced by raw JSON text."""
    entry = payloads.log_entries([Served(now_ms(), 500)])[0]
    return f"[{with_raw(entry, **fields)}]".encode()


def span_body(**fields: str) -> bytes:
    """One span of the contract route, some fields replaced by raw JSON text."""
    span = with_raw(payloads.span(ROUTE, now_ms(), 1.5), **fields)
    return payloads.trace_export([{}]).replace(b"{}", span.encode())

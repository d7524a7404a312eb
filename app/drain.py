"""Vercel drain deliveries turned into per-minute CloudWatch datapoints.

A delivery is trusted only after its signature checks out: Vercel signs the raw
body with the drain's secret, `x-vercel-signature` = hex HMAC-SHA1 of the bytes
(https://vercel.com/docs/drains/security). Nothing is parsed before that.

Log drains (https://vercel.com/docs/drains/reference/logs) deliver a JSON array
or NDJSON; each request's entry carries `proxy.statusCode` (and a top-level
`statusCode` on function logs, where -1 means the function crashed; a
`proxy.statusCode` of -1 is a background revalidation, not a client's request).
They give Requests and Errors. Log entries carry no duration, so the latency of
contract creation comes from the trace drain (`app.drain_traces`).

Everything is summed per minute before it leaves: one statistic set per metric
and minute, not one datum per request (PutMetricData: at most 1,000 metrics per
call, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
"""

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app import limits
from app import metric_catalog as catalog

SIGNATURE_HEADER = "x-vercel-signature"
VERIFY_HEADER = "x-vercel-verify"
# A Vercel function accepts request bodies up to 4.5 MB: a bigger body is no delivery of
# ours. One limit for the whole app (app.limits), which answers 413 before any route.
MAX_BODY_BYTES = limits.MAX_BODY_BYTES

MINUTE_MS = 60_000
OLDEST_MS = 14 * 24 * 3600 * 1000
NEWEST_MS = 2 * 3600 * 1000
"""PutMetricData takes timestamps from two weeks before to two hours after now and
refuses the whole call otherwise (API_PutMetricData, `Timestamp`): such entries are dropped."""

Datum = dict[str, Any]


class BadDelivery(Exception):
    """The body is not a drain delivery; the message never quotes the body."""


def signature_matches(secret: str, body: bytes, signature: str | None) -> bool:
    if not signature:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


def parse_log_entries(body: bytes) -> list[Mapping[str, Any]]:
    """A JSON array (delivery format `json`) or one JSON object per line (`ndjson`)."""
    try:
        text = body.decode("utf-8")
        if text.lstrip().startswith("["):
            entries = json.loads(text)
        else:
            entries = [json.loads(line) for line in text.splitlines() if line.strip()]
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BadDelivery("the body is neither a JSON array nor NDJSON") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise BadDelivery("every log entry must be a JSON object")
    return entries


@dataclass
class _Request:
    minute_ms: int
    failed: bool


def _status_and_time(entry: Mapping[str, Any]) -> tuple[int, int] | None:
    """The request's status code and time (ms), or None for an entry that is no request."""
    proxy = entry.get("proxy")
    if isinstance(proxy, dict) and isinstance(proxy.get("statusCode"), int):
        if proxy["statusCode"] == -1:
            return None  # a background revalidation: no client waited for it
        status, at = proxy["statusCode"], proxy.get("timestamp", entry.get("timestamp"))
    elif isinstance(entry.get("statusCode"), int):
        status, at = entry["statusCode"], entry.get("timestamp")
    else:
        return None  # build output, a plain log line: no request
    if not isinstance(at, int | float) or isinstance(at, bool):
        return None
    return status, int(at)


def request_minutes(
    entries: Iterable[Mapping[str, Any]], now_ms: int
) -> dict[int, tuple[int, int]]:
    """Requests and errors per minute (epoch ms of the minute's start).

    One request can log several entries (its proxy line and its function's lines):
    entries sharing a `requestId` count once, as an error if any of them failed.
    """
    requests: dict[str, _Request] = {}
    for index, entry in enumerate(entries):
        found = _status_and_time(entry)
        if found is None:
            continue
        status, at = found
        if not now_ms - OLDEST_MS <= at <= now_ms + NEWEST_MS:
            continue
        failed = status >= 500 or status == -1
        key = entry.get("requestId") or entry.get("id") or f"#{index}"
        seen = requests.get(str(key))
        if seen is None:
            requests[str(key)] = _Request(at - at % MINUTE_MS, failed)
        else:
            seen.failed = seen.failed or failed
    minutes: dict[int, tuple[int, int]] = {}
    for request in requests.values():
        total, errors = minutes.get(request.minute_ms, (0, 0))
        minutes[request.minute_ms] = (total + 1, errors + int(request.failed))
    return minutes


def request_datums(minutes: Mapping[int, tuple[int, int]]) -> list[Datum]:
    """Requests and Errors as statistic sets: CloudWatch sums them into the alarms' Sum."""
    data = []
    for minute_ms, (total, errors) in sorted(minutes.items()):
        data.append(
            statistic_set(catalog.REQUESTS, minute_ms, total, total, 1.0, 1.0),
        )
        data.append(
            statistic_set(
                catalog.ERRORS, minute_ms, total, errors, float(errors == total), float(errors > 0)
            )
        )
    return data


def statistic_set(
    metric: catalog.Metric,
    minute_ms: int,
    samples: int,
    total: float,
    minimum: float,
    maximum: float,
) -> Datum:
    return {
        **named_datum(metric, minute_ms),
        "StatisticValues": {
            "SampleCount": float(samples),
            "Sum": float(total),
            "Minimum": minimum,
            "Maximum": maximum,
        },
    }


def heartbeat(now_ms: int) -> Datum:
    return {**named_datum(catalog.DRAIN_DELIVERIES, now_ms - now_ms % MINUTE_MS), "Value": 1.0}


def named_datum(metric: catalog.Metric, at_ms: int) -> Datum:
    return {
        "MetricName": metric.name,
        "Dimensions": [{"Name": k, "Value": v} for k, v in metric.dimensions.items()],
        "Unit": metric.unit,
        "Timestamp": dt.datetime.fromtimestamp(at_ms / 1000, dt.UTC),
    }

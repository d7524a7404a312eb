"""Vercel drain deliveries turned into per-minute CloudWatch datapoints.

A delivery is trusted only after its signature checks out: Vercel signs the raw
body with the drain's secret, `x-vercel-signature` = hex HMAC-SHA1 of the bytes
(https://vercel.com/docs/drains/security). Nothing is parsed before that.

Log drains (https://vercel.com/docs/drains/reference/logs) deliver a JSON array
or NDJSON; each request's entry carries `proxy.statusCode` (and a top-level
`statusCode` on function logs, where -1 means the function crashed; a
`proxy.statusCode` of -1 is a background revalidation, not a client's request).
They give Requests and Errors. Log entries carry no duration, so the latency of
contract creation comes from the trace drain (`app.routes.drain_traces`).

The fields read are held to the types that reference gives them (`id`, `requestId`:
string; `timestamp`, `statusCode`: number; `proxy`: object) and a status code to -1 or
an HTTP status (100 to 599, RFC 9110 section 15): a delivery with any of them wrong is
refused whole (400), never half counted.

Everything is summed per minute before it leaves: one statistic set per metric
and minute, not one datum per request (PutMetricData: at most 1,000 metrics per
call, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
"""

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app import metric_catalog as catalog
from app.metric_catalog import Datum
from app.routes import drain_json, limits
from app.routes.drain_json import BadDelivery, TooManyValues, is_number

__all__ = ["BadDelivery", "Datum", "TooManyValues"]

SIGNATURE_HEADER = "x-vercel-signature"
VERIFY_HEADER = "x-vercel-verify"
# A Vercel function accepts request bodies up to 4.5 MB: a bigger body is no delivery of
# ours. One limit for the whole app (app.routes.limits), which answers 413 before any route.
MAX_BODY_BYTES = limits.MAX_BODY_BYTES

MINUTE_MS = 60_000
OLDEST_MS = 14 * 24 * 3600 * 1000
NEWEST_MS = 2 * 3600 * 1000
"""PutMetricData takes timestamps from two weeks before to two hours after now and
refuses the whole call otherwise (API_PutMetricData, `Timestamp`): such entries are dropped."""
CLOUDWATCH_MAX_VALUE = 2.0**360
"""API_MetricDatum: "Values must be in the range of -2^360 to 2^360"; one value outside
it fails the whole call, so every value is checked before it is sent."""
_SIGNATURE = re.compile(rb"[0-9a-fA-F]{40}")
_STATUSES = range(100, 600)
_CRASHED = -1


def signature_matches(secret: str, body: bytes, signature: bytes | None) -> bool:
    """Whether `signature` (the header's bytes as sent) is the body's hex HMAC-SHA1.

    Compared as bytes of an ASCII hex string: compare_digest refuses a str holding
    non-ASCII characters with a TypeError, which was a 500 for one byte of \\xe9."""
    if signature is None or not _SIGNATURE.fullmatch(signature.strip()):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest().encode()
    return hmac.compare_digest(expected, signature.strip().lower())


@dataclass(frozen=True)
class Observation:
    """One request (value: 1.0 if it failed) or one timed span (value: seconds)."""

    minute_ms: int
    value: float


@dataclass(frozen=True)
class Observed:
    """What a delivery says, by the key that identifies each item across deliveries."""

    observations: dict[str, Observation]
    newest_ms: int | None
    """The time of its newest line inside CloudWatch's window (None: no such line, so no
    heartbeat). Taken from the body, so every copy of a delivery gives the same one."""


def parse_log_entries(body: bytes) -> list[Mapping[str, Any]]:
    """A JSON array (delivery format `json`) or one JSON object per line (`ndjson`)."""
    reader = drain_json.Reader(body)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadDelivery("the body is neither a JSON array nor NDJSON") from None
    if text.lstrip().startswith("["):
        entries = reader.loads(text)
    else:
        # Lines end at \n (or \r\n) only: str.splitlines() would also split at \u2028,
        # which a JSON string may hold as it is.
        entries = [reader.loads(line) for line in text.split("\n") if line.strip()]
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise BadDelivery("every log entry must be a JSON object")
    return entries


def _typed(entry: Mapping[str, Any], key: str, kind: type, what: str) -> Any:
    value = entry.get(key)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise BadDelivery(f"a log entry's {key} must be {what}")
    return value


def _status(holder: Mapping[str, Any]) -> int | None:
    status = _typed(holder, "statusCode", int, "a whole number")
    if status is not None and status != _CRASHED and status not in _STATUSES:
        raise BadDelivery("a log entry's statusCode must be -1 or 100 to 599")
    return status  # type: ignore[no-any-return]


def _timestamp(holder: Mapping[str, Any]) -> int | None:
    at = holder.get("timestamp")
    if at is None:
        return None
    if not is_number(at):
        raise BadDelivery("a log entry's timestamp must be a number")
    return int(at)


def _status_and_time(entry: Mapping[str, Any]) -> tuple[int, int | None] | None:
    """The request's status code and time (ms), or None for an entry that is no request."""
    proxy = _typed(entry, "proxy", dict, "an object")
    status, at = _status(entry), _timestamp(entry)
    if proxy is not None and (proxy_status := _status(proxy)) is not None:
        if proxy_status == _CRASHED:
            return None  # a background revalidation: no client waited for it
        proxy_at = _timestamp(proxy)
        return proxy_status, at if proxy_at is None else proxy_at
    if status is not None:
        return status, at
    return None  # build output, a plain log line: no request


def in_window(at_ms: int, now_ms: int) -> bool:
    return now_ms - OLDEST_MS <= at_ms <= now_ms + NEWEST_MS


def request_observations(entries: Iterable[Mapping[str, Any]], now_ms: int) -> Observed:
    """Each request once, keyed by its `requestId` (or the entry's `id`).

    One request can log several entries (its proxy line and its function's lines):
    entries sharing a `requestId` count once, in the minute of the earliest, as an error if
    any of them failed (app.routes.drain_counts does the same across deliveries).
    """
    requests: dict[str, Observation] = {}
    newest: int | None = None
    for entry in entries:
        request_id = _typed(entry, "requestId", str, "a string")
        entry_id = _typed(entry, "id", str, "a string")
        status, at = _status_and_time(entry) or (None, _timestamp(entry))
        if at is None or not in_window(at, now_ms):
            continue
        newest = at if newest is None else max(newest, at)
        if status is None:
            continue
        key = request_id or entry_id
        if not key:
            raise BadDelivery("a request's log entry must have a requestId or an id")
        failed = float(status >= 500 or status == _CRASHED)
        seen = requests.get(f"r:{key}")
        minute = at - at % MINUTE_MS
        if seen is not None:
            minute, failed = min(minute, seen.minute_ms), max(failed, seen.value)
        requests[f"r:{key}"] = Observation(minute, failed)
    return Observed(requests, newest)


def request_minutes(observations: Iterable[Observation]) -> dict[int, tuple[int, int]]:
    """Requests and errors per minute (epoch ms of the minute's start)."""
    minutes: dict[int, tuple[int, int]] = {}
    for request in observations:
        total, errors = minutes.get(request.minute_ms, (0, 0))
        minutes[request.minute_ms] = (total + 1, errors + int(request.value))
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
            "SampleCount": publishable(samples),
            "Sum": publishable(total),
            "Minimum": publishable(minimum),
            "Maximum": publishable(maximum),
        },
    }


def publishable(value: float) -> float:
    """The value as CloudWatch takes it; `BadDelivery` for one it would refuse."""
    number = float(value)
    if not -CLOUDWATCH_MAX_VALUE <= number <= CLOUDWATCH_MAX_VALUE:  # NaN fails it too
        raise BadDelivery("a value outside the range CloudWatch accepts")
    return number


def named_datum(metric: catalog.Metric, at_ms: int) -> Datum:
    return metric.datum(dt.datetime.fromtimestamp(at_ms / 1000, dt.UTC))

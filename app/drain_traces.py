"""Contract-creation latency from Vercel's trace drain (OTLP/HTTP JSON).

Vercel's trace drain delivers OpenTelemetry `ExportTraceServiceRequest` objects:
`resourceSpans[].scopeSpans[].spans[]`, each span with `name` (Vercel's own server
span is named `METHOD /route`, e.g. `GET /api/users`), `kind`, and
`startTimeUnixNano` / `endTimeUnixNano` as decimal strings
(https://vercel.com/docs/drains/reference/traces; OTLP JSON encoding:
https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).

The route's server spans become one Values/Counts datum per minute: CloudWatch
computes percentiles (the alarm's p95) from values and counts, but not from
statistic sets (API_PutMetricData, "Values and Counts ... supports retrieving
percentile statistics"); one datum holds at most 150 distinct values.
"""

import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from app import metric_catalog as catalog
from app.drain import MINUTE_MS, NEWEST_MS, OLDEST_MS, BadDelivery, Datum, named_datum

MAX_VALUES_PER_DATUM = 150
SERVER_KINDS = {"server", 2, "SPAN_KIND_SERVER"}
"""OTLP JSON sends the enum as its integer (2); Vercel's example shows `server`."""


def parse_spans(body: bytes) -> list[Mapping[str, Any]]:
    try:
        request = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BadDelivery("the body is not OTLP JSON") from None
    if not isinstance(request, dict) or not isinstance(request.get("resourceSpans", []), list):
        raise BadDelivery("an OTLP trace export is an object with a resourceSpans array")
    spans = []
    for resource in request.get("resourceSpans", []):
        for scope in _objects(resource, "scopeSpans"):
            spans.extend(_objects(scope, "spans"))
    return spans


def _objects(parent: Any, key: str) -> list[Mapping[str, Any]]:
    if not isinstance(parent, dict):
        raise BadDelivery(f"every {key} holder must be a JSON object")
    items = parent.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise BadDelivery(f"{key} must be an array of objects")
    return items


def _attribute(span: Mapping[str, Any], *keys: str) -> str | None:
    for attribute in span.get("attributes") or []:
        if isinstance(attribute, dict) and attribute.get("key") in keys:
            value = attribute.get("value")
            if isinstance(value, dict) and isinstance(value.get("stringValue"), str):
                return str(value["stringValue"])
    return None


def is_route(span: Mapping[str, Any], route: str) -> bool:
    """Whether a server span serves `route` (`METHOD /path`), by name or by HTTP attributes."""
    if span.get("kind") not in SERVER_KINDS:
        return False
    if span.get("name") == route:
        return True
    method = _attribute(span, "http.request.method", "http.method")
    path = _attribute(span, "http.route")
    return method is not None and path is not None and f"{method} {path}" == route


def route_durations(
    spans: Sequence[Mapping[str, Any]], route: str, now_ms: int
) -> dict[int, Counter[float]]:
    """Durations in seconds (to the millisecond) per minute of the span's end."""
    minutes: dict[int, Counter[float]] = {}
    for span in spans:
        if not is_route(span, route):
            continue
        try:
            start, end = int(span["startTimeUnixNano"]), int(span["endTimeUnixNano"])
        except (KeyError, TypeError, ValueError):
            continue  # an unfinished or malformed span says nothing about latency
        end_ms = end // 1_000_000
        if end < start or not now_ms - OLDEST_MS <= end_ms <= now_ms + NEWEST_MS:
            continue
        minute = end_ms - end_ms % MINUTE_MS
        minutes.setdefault(minute, Counter())[round((end - start) / 1e9, 3)] += 1
    return minutes


def latency_datums(minutes: Mapping[int, Counter[float]]) -> Iterator[Datum]:
    metric = catalog.CONTRACT_CREATION_TIME
    for minute_ms, durations in sorted(minutes.items()):
        values = sorted(durations.items())
        for start in range(0, len(values), MAX_VALUES_PER_DATUM):
            chunk = values[start : start + MAX_VALUES_PER_DATUM]
            yield {
                **named_datum(metric, minute_ms),
                "Values": [value for value, _ in chunk],
                "Counts": [float(count) for _, count in chunk],
            }

"""Contract-creation latency from Vercel's trace drain (OTLP/HTTP JSON).

Vercel's trace drain delivers OpenTelemetry `ExportTraceServiceRequest` objects:
`resourceSpans[].scopeSpans[].spans[]`, each span with `name` (Vercel's own server
span is named `METHOD /route`, e.g. `GET /api/users`), `kind`, and
`startTimeUnixNano` / `endTimeUnixNano` as decimal strings
(https://vercel.com/docs/drains/reference/traces; OTLP JSON encoding:
https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).

The fields read are held to their OTLP types: `kind` an enum (its integer, or a name),
`name`, `traceId` and `spanId` strings, `attributes` an array of key-value objects, and
the times `fixed64` nanoseconds, 0 to 2**64 - 1, which OTLP JSON writes as decimal strings
and which a reader must also take as numbers; a float or a negative time is refused.
A span's duration is therefore at most 2**64 ns (585 years): well inside the range of
values CloudWatch takes (`app.routes.drain.publishable` checks each value anyway).

The route's server spans become one Values/Counts datum per minute: CloudWatch
computes percentiles (the alarm's p95) from values and counts, but not from
statistic sets (API_PutMetricData, "Values and Counts ... supports retrieving
percentile statistics"); one datum holds at most 150 distinct values.
"""

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from app import metric_catalog as catalog
from app.routes import drain_json
from app.routes.drain import (
    MINUTE_MS,
    BadDelivery,
    Datum,
    Observation,
    Observed,
    in_window,
    named_datum,
    publishable,
)

MAX_VALUES_PER_DATUM = 150
SERVER_KINDS = {"server", 2, "SPAN_KIND_SERVER"}
"""OTLP JSON sends the enum as its integer (2); Vercel's example shows `server`."""
MAX_FIXED64 = 2**64 - 1


def parse_spans(body: bytes) -> list[Mapping[str, Any]]:
    reader = drain_json.Reader(body)
    try:
        request = reader.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadDelivery("the body is not OTLP JSON") from None
    if not isinstance(request, dict) or not isinstance(request.get("resourceSpans", []), list):
        raise BadDelivery("an OTLP trace export is an object with a resourceSpans array")
    spans = []
    for resource in request.get("resourceSpans", []):
        for scope in _objects(resource, "scopeSpans"):
            spans.extend(_objects(scope, "spans"))
    for span in spans:
        _check_span(span)
    return spans


def _objects(parent: Any, key: str) -> list[Mapping[str, Any]]:
    if not isinstance(parent, dict):
        raise BadDelivery(f"every {key} holder must be a JSON object")
    items = parent.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise BadDelivery(f"{key} must be an array of objects")
    return items


def _check_span(span: Mapping[str, Any]) -> None:
    kind = span.get("kind")
    if kind is not None and (isinstance(kind, bool) or not isinstance(kind, int | str)):
        raise BadDelivery("a span's kind must be an enum number or name")
    for key in ("name", "traceId", "spanId"):
        if span.get(key) is not None and not isinstance(span[key], str):
            raise BadDelivery(f"a span's {key} must be a string")
    attributes = span.get("attributes")
    if attributes is not None and not (
        isinstance(attributes, list) and all(isinstance(a, dict) for a in attributes)
    ):
        raise BadDelivery("a span's attributes must be an array of objects")


def _attribute(span: Mapping[str, Any], *keys: str) -> str | None:
    for attribute in span.get("attributes") or []:
        if attribute.get("key") in keys:
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


def _nanoseconds(span: Mapping[str, Any], key: str) -> int | None:
    value = span.get(key)
    if value is None:
        return None  # an unfinished span says nothing about latency
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = drain_json.whole_number(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FIXED64:
        raise BadDelivery(f"a span's {key} must be whole nanoseconds, 0 to 2**64 - 1")
    return value


def span_observations(spans: Sequence[Mapping[str, Any]], route: str, now_ms: int) -> Observed:
    """Each server span of the route, keyed by trace and span ID: its duration in seconds
    (to the millisecond), in the minute of its end."""
    timed: dict[str, Observation] = {}
    newest: int | None = None
    for span in spans:
        start, end = _nanoseconds(span, "startTimeUnixNano"), _nanoseconds(span, "endTimeUnixNano")
        if end is None or not in_window(end // 1_000_000, now_ms):
            continue
        newest = end // 1_000_000 if newest is None else max(newest, end // 1_000_000)
        if start is None or end < start or not is_route(span, route):
            continue
        trace_id, span_id = span.get("traceId"), span.get("spanId")
        if not trace_id or not span_id:
            raise BadDelivery("a span of the route must have a traceId and a spanId")
        end_ms = end // 1_000_000
        timed[f"s:{trace_id}:{span_id}"] = Observation(
            end_ms - end_ms % MINUTE_MS, round((end - start) / 1e9, 3)
        )
    return Observed(timed, newest)


def route_durations(observations: Iterable[Observation]) -> dict[int, Counter[float]]:
    """How often each duration occurred, per minute."""
    minutes: dict[int, Counter[float]] = {}
    for observation in observations:
        minutes.setdefault(observation.minute_ms, Counter())[observation.value] += 1
    return minutes


def latency_datums(minutes: Mapping[int, Counter[float]]) -> Iterator[Datum]:
    metric = catalog.CONTRACT_CREATION_TIME
    for minute_ms, durations in sorted(minutes.items()):
        values = sorted(durations.items())
        for start in range(0, len(values), MAX_VALUES_PER_DATUM):
            chunk = values[start : start + MAX_VALUES_PER_DATUM]
            yield {
                **named_datum(metric, minute_ms),
                "Values": [publishable(value) for value, _ in chunk],
                "Counts": [publishable(count) for _, count in chunk],
            }

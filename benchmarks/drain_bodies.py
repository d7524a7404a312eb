"""The drain deliveries benchmarks/drain_max.py sends: each kind of body as large as the
request-body limit lets it be (app.routes.limits.MAX_BODY_BYTES)."""

import json
from collections.abc import Callable

from app.routes import limits
from tests.app import drain_payloads as payloads

ROUTE = "POST /api/contracts"
MILLION_OBJECTS = b"[" + b"{}," * 1_499_998 + b"{}]"
"""The attack of issue 26: 1.5 million empty objects, just under the 4.5 MB limit."""


def _fill(make_item: Callable[[int], bytes], opening: bytes, closing: bytes) -> bytes:
    """As many items as fit under the request-body limit."""
    items, size = [], len(opening) + len(closing)
    for index in range(10**7):
        item = make_item(index)
        if size + len(item) + 1 > limits.MAX_BODY_BYTES:
            break
        items.append(item)
        size += len(item) + 1
    return opening + b",".join(items) + closing


def log_entries_body(now_ms: int) -> bytes:
    """Vercel log entries up to the limit, each a new request."""

    def log_entry(index: int) -> bytes:
        served = payloads.Served(now_ms - 60_000 + index % 60_000, 502 if index % 97 else 200)
        return payloads.as_json(payloads.log_entries([served]))[1:-1]

    return _fill(log_entry, b"[", b"]")


def bodies(now_ms: int) -> dict[str, tuple[str, bytes]]:
    def attributed_span(index: int) -> bytes:
        item = payloads.span(ROUTE if index % 4 else "GET /api/vehicles", now_ms - index, 0.5)
        item["attributes"] = [
            {"key": f"attribute.{n}", "value": {"stringValue": "v"}} for n in range(10)
        ]
        return json.dumps(item).encode()

    before_spans, after_spans = payloads.trace_export([{}]).split(b"[{}]")
    return {
        "1.5 million {}": ("logs", MILLION_OBJECTS),
        "Vercel log entries": ("logs", log_entries_body(now_ms)),
        "OTLP spans, 10 attributes": (
            "traces",
            _fill(attributed_span, before_spans + b"[", b"]" + after_spans),
        ),
        "2.25 million numbers": ("logs", b"[" + b"1," * 2_249_998 + b"1]"),
        "1.1 million strings": ("logs", b"[" + b'"ab",' * 899_998 + b'"ab"]'),
    }

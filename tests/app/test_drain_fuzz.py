"""Fuzzing the drain endpoints: generated deliveries, signed or not, well-formed, hostile or
junk, posted to the real app (its parsers, its replay record in the local Redis); only
CloudWatch is replaced by a recorder. Whatever comes: a short JSON answer of 200, 400,
403 or 413, never an exception; nothing published from a refused delivery; every value
published within what CloudWatch takes. Bounded: a fixed number of examples, no shrinking
past a few seconds (the whole module runs in well under half a minute)."""

import json
import math
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from app.routes import drain, drain_counts, drain_publish, web
from app.routes.drain import Observed
from tests.app import drain_payloads as payloads

SECRET = payloads.SECRET
EXAMPLES = 250
HUGE = "<a 5,000-digit integer>"
"""Written into the JSON text as digits: Python cannot turn such an int into text itself."""

Published = list[list[dict[str, Any]]]


@pytest.fixture(scope="module")
def client() -> Iterator[tuple[TestClient, Published]]:
    published: Published = []

    async def record(
        _: str, namespace: str, kind: str, observed: Observed, *__: Any
    ) -> drain_counts.Recorded:
        """What the publisher would send of this delivery's items, kept for the test."""
        assert namespace.startswith("CRMS/test-")
        minutes: dict[int, Counter[str]] = {}
        for item in observed.observations.values():
            fields = minutes.setdefault(item.minute_ms, Counter())
            if kind == "r":
                fields.update({"#n": 1, "#e": int(item.value)})
            else:
                fields[f"#t{round(item.value * 1000)}"] += 1
        published.append(
            [datum for minute, fields in minutes.items()
             for datum in drain_publish.minute_datums(minute, dict(fields))]
        )  # fmt: skip
        return drain_counts.Recorded(len(observed.observations), 0, 0)

    with pytest.MonkeyPatch.context() as patch, payloads.drain_environment(patch):
        patch.setattr(drain_counts, "record", record)
        web.config.cache_clear()
        with TestClient(web.app, raise_server_exceptions=True) as test_client:
            yield test_client, published
        web.config.cache_clear()


def now_ms() -> int:
    return int(time.time() * 1000)


# Leaves a delivery may hold: what Vercel sends, and what it never would.
hostile_numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([HUGE, -(10**400), 2**64, 2**64 - 1, -1, 0, 1e308, 5e-324]),
    st.integers(min_value=-5 * 3600 * 1000, max_value=5 * 3600 * 1000).map(lambda d: now_ms() + d),
)
hostile_text = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "POST /api/contracts", "server", "SPAN_KIND_SERVER", "\x00", "٠٤", "1e400",
                     str(10**30), "18446744073709551616", "-5", "::error::x", "\u2028"]),
)  # fmt: skip
leaves = st.one_of(st.none(), st.booleans(), hostile_numbers, hostile_text)
values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(hostile_text, children, max_size=4)
    ),
    max_leaves=12,
)
LOG_FIELDS = ["id", "requestId", "timestamp", "statusCode", "proxy", "source", "message"]
SPAN_FIELDS = ["traceId", "spanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano",
               "attributes"]  # fmt: skip


@st.composite
def log_entry(draw: st.DrawFn) -> dict[str, Any]:
    """A real entry (a request, maybe failed) with some fields replaced by anything."""
    status = draw(st.sampled_from([200, 404, 500, 503, -1]))
    entry = payloads.log_entries(
        [payloads.Served(now_ms() - draw(st.integers(0, 600_000)), status)]
    )[0]
    for field in draw(st.lists(st.sampled_from(LOG_FIELDS), max_size=3)):
        entry[field] = draw(values)
    if draw(st.booleans()):
        entry["proxy"] = {key: draw(values) for key in ("statusCode", "timestamp")}
    return entry


@st.composite
def span(draw: st.DrawFn) -> dict[str, Any]:
    item = payloads.span("POST /api/contracts", now_ms() - draw(st.integers(0, 600_000)), 1.5)
    for field in draw(st.lists(st.sampled_from(SPAN_FIELDS), max_size=3)):
        item[field] = draw(values)
    return item


def as_text(value: Any) -> bytes:
    # allow_nan writes NaN and Infinity, which Python's json would read back: not JSON.
    return json.dumps(value, allow_nan=True).replace(f'"{HUGE}"', "9" * 5000).encode()


deliveries = st.one_of(
    st.tuples(st.just("logs"), st.lists(log_entry(), max_size=8).map(as_text)),
    st.tuples(
        st.just("logs"),
        st.lists(log_entry(), max_size=8).map(lambda e: b"\n".join(as_text(x) for x in e)),
    ),
    st.tuples(st.just("traces"), st.lists(span(), max_size=8).map(payloads.trace_export)),
    st.tuples(st.sampled_from(["logs", "traces"]), values.map(as_text)),
    st.tuples(st.sampled_from(["logs", "traces"]), st.binary(max_size=200)),
)
forged_signatures = st.one_of(
    # What an HTTP server passes on: no CR, LF or NUL in a header value (RFC 9110 5.5).
    st.binary(max_size=48).filter(lambda value: not set(value) & {0, 10, 13}),
    st.sampled_from([b"\xe9", "é".encode() * 40]),
)
# Four in five signed: the parsers behind the signature are what is fuzzed.
signatures = st.sampled_from(["signed"] * 4 + ["forged"]).flatmap(
    lambda kind: st.just(kind) if kind == "signed" else forged_signatures
)


def published_values(data: list[dict[str, Any]]) -> Iterator[float]:
    for datum in data:
        yield from datum.get("StatisticValues", {}).values()
        yield from datum.get("Values", [])
        yield from datum.get("Counts", [])
        if "Value" in datum:
            yield datum["Value"]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure reproduces, and CI is stable
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(delivery=deliveries, signature=signatures)
def test_any_delivery_gets_a_short_answer_and_only_good_ones_publish(
    client: tuple[TestClient, Published], delivery: tuple[str, bytes], signature: Any
) -> None:
    test_client, published = client
    route, body = delivery
    sent = payloads.signed(SECRET, body)["x-vercel-signature"].encode()
    headers = {"x-vercel-signature": sent if signature == "signed" else signature}
    before = len(published)
    response = test_client.post(f"/api/drain/{route}", content=body, headers=headers)
    event(f"{route}: {response.status_code}")  # --hypothesis-show-statistics shows the mix
    assert response.status_code in (200, 400, 403, 413), response.text
    assert len(response.text) < 200
    if response.status_code != 200:
        assert set(response.json()) == {"error"}
        assert len(published) == before, "a refused delivery published something"
    for data in published[before:]:
        for value in published_values(data):
            assert math.isfinite(value)
            assert abs(value) <= drain.CLOUDWATCH_MAX_VALUE

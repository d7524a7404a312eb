"""The attacks on the drain endpoints that found a 500, a double count or a blocked event
loop (issue 26, cases 1 to 4), each against the running app: a short JSON answer of 200,
400, 403, 413 or 503, nothing published from a refused delivery, each request counted once."""

import concurrent.futures
import threading
import time
from typing import Any

import httpx
import pytest

from app.cloudwatch_once import PublishFailed
from app.routes import drain, drain_counts
from tests.app import drain_payloads as payloads
from tests.app.drain_checks import (
    ROUTE,
    log_body,
    now_ms,
    post,
    published,
    short_refusal,
    span_body,
    total,
)
from tests.app.drain_payloads import Served
from tests.app.running_app import running_app


@pytest.fixture(autouse=True)
def drains_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The drains' clock held still in the middle of a minute: a delivery and its copies
    arrive at one instant, wherever the wall clock stands (the tests' lines are stamped
    half a minute before the wall clock, inside the minutes this clock keeps open)."""
    held = drain_counts.minute_of(now_ms()) + 30_000
    monkeypatch.setattr(drain_counts, "now_ms", lambda: held)


# Case 1: a signature header that is not ASCII hex was a TypeError, a 500 and a traceback.
@pytest.mark.parametrize(
    "signature",
    [b"\xe9", "é".encode() * 20, b"a" * 39 + b"\xe9", "\uff10".encode() * 40, b"g" * 40, b""],
)
@pytest.mark.parametrize("route", ["logs", "traces"])
def test_a_signature_that_is_not_ascii_hex_is_403(
    app_url: str, namespace: str, caplog: pytest.LogCaptureFixture, signature: bytes, route: str
) -> None:
    body = b"[1]"
    response = post(f"{app_url}/api/drain/{route}", body, {"x-vercel-signature": signature})
    short_refusal(response, 403, caplog)
    assert published(namespace) == []


HUGE = "9" * 5000
MALFORMED = {
    "timestamp NaN": ("logs", log_body(timestamp="NaN")),
    "timestamp Infinity": ("logs", log_body(timestamp="Infinity")),
    "timestamp -Infinity": ("logs", log_body(timestamp="-Infinity")),
    "timestamp 1e400": ("logs", log_body(timestamp="1e400")),
    "a 5,000-digit integer in an entry": ("logs", log_body(id=HUGE)),
    "a 5,000-digit timestamp": ("logs", log_body(timestamp=HUGE)),
    "a status of a million": ("logs", log_body(statusCode="1000000")),
    "a status as text": ("logs", log_body(statusCode='"500"')),
    "a proxy that is a number": ("logs", log_body(proxy="5")),
    "a 5,000-digit integer in a span": ("traces", span_body(endTimeUnixNano=HUGE)),
    "a 5,000-digit time as text": ("traces", span_body(endTimeUnixNano=f'"{HUGE}"')),
    "a span start of -1e400": ("traces", span_body(startTimeUnixNano="-1e400")),
    "float nanoseconds": ("traces", span_body(startTimeUnixNano="1.5e18")),
    "infinite nanoseconds": ("traces", span_body(endTimeUnixNano="1e400")),
    "a span lasting 1e291 s": ("traces", span_body(startTimeUnixNano=f'"-1{"0" * 300}"')),
    "attributes: 5": ("traces", span_body(attributes="5")),
    "kind: [1]": ("traces", span_body(kind="[1]")),
}


# Case 2: each of these, signed, was a 500 (or, the last span, a published 1e291 s).
@pytest.mark.parametrize("case", MALFORMED)
def test_a_signed_malformed_delivery_is_400_and_publishes_nothing(
    app_url: str, namespace: str, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    route, body = MALFORMED[case]
    short_refusal(post(f"{app_url}/api/drain/{route}", body), 400, caplog)
    assert published(namespace) == []


@pytest.mark.parametrize(
    "body",
    [b"[" + b"{}," * 1_499_000 + b"{}]", b"[" + b"[]," * 1_499_000 + b"[]]",
     b"[" + b"1," * 2_240_000 + b"1]", b"1\n" * 2_240_000],
    ids=["objects", "arrays", "numbers", "NDJSON numbers"],
)  # fmt: skip
def test_a_delivery_of_millions_of_values_is_413(
    app_url: str, namespace: str, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    assert len(body) < drain.MAX_BODY_BYTES
    started = time.monotonic()
    short_refusal(post(f"{app_url}/api/drain/logs", body), 413, caplog)
    assert time.monotonic() - started < 5  # refused early (figures: benchmarks/drain_max.py)
    assert published(namespace) == []


def seven_requests() -> list[dict[str, Any]]:
    at = now_ms() - 30_000
    return payloads.log_entries([Served(at + i, 500 if i < 2 else 200) for i in range(7)])


# Case 3: one signed delivery posted ten times added 70 requests and 70 errors.
def test_a_replayed_delivery_is_counted_once(app_url: str, namespace: str) -> None:
    body = payloads.as_ndjson(seven_requests())
    answers = [post(f"{app_url}/api/drain/logs", body) for _ in range(10)]
    assert [answer.status_code for answer in answers] == [200] * 10
    assert answers[0].json() == {"counted": 8, "seen": 0, "late": 0}  # and the heartbeat
    assert [answer.json() for answer in answers[1:]] == [{"counted": 0, "seen": 8, "late": 0}] * 9
    payloads.publish_closed(namespace)
    assert total(namespace, "Requests", "web") == 7
    assert total(namespace, "Errors", "web") == 2
    assert total(namespace, "DrainDeliveries", "drain") == 1


def test_copies_arriving_together_are_counted_once(app_url: str, namespace: str) -> None:
    body = payloads.as_json(seven_requests())
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: post(f"{app_url}/api/drain/logs", body), range(10)))
    assert {answer.status_code for answer in answers} == {200}
    assert sum(answer.json()["counted"] for answer in answers) == 8
    payloads.publish_closed(namespace)
    assert total(namespace, "Requests", "web") == 7


def test_requests_sent_again_in_another_batch_are_counted_once(
    app_url: str, namespace: str
) -> None:
    entries = seven_requests()
    assert post(f"{app_url}/api/drain/logs", payloads.as_ndjson(entries[:4])).status_code == 200
    assert post(f"{app_url}/api/drain/logs", payloads.as_json(entries)).status_code == 200
    payloads.publish_closed(namespace)
    assert total(namespace, "Requests", "web") == 7


def test_a_replayed_span_is_timed_once(app_url: str, namespace: str) -> None:
    body = payloads.trace_export([payloads.span(ROUTE, now_ms() - 1000, 2.0)])
    for _ in range(3):
        assert post(f"{app_url}/api/drain/traces", body).status_code == 200
    payloads.publish_closed(namespace)
    assert total(namespace, "ContractCreationTime", "contracts") == 2.0


def test_without_redis_a_delivery_is_refused_for_vercel_to_retry(
    namespace: str, unused_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{unused_port}/0")
    body = payloads.as_ndjson(seven_requests())
    with running_app() as url:
        response = post(f"{url}/api/drain/logs", body)
    assert response.status_code == 503
    assert response.json() == {"error": "redis: unreachable; deliver again later"}
    assert published(namespace) == []


def test_a_minute_cloudwatch_missed_is_published_by_the_next_run(
    app_url: str, namespace: str, aws_env: str, unused_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = payloads.as_ndjson(seven_requests())
    assert post(f"{app_url}/api/drain/logs", body).status_code == 200
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{unused_port}")  # nobody there
    with pytest.raises(PublishFailed):
        payloads.publish_closed(namespace)
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_env)
    payloads.publish_closed(namespace)
    assert total(namespace, "Requests", "web") == 7


# Case 4: parsing held the event loop; with three maximum deliveries health took seconds.
def test_health_answers_while_a_delivery_is_being_parsed(
    app_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsing, release = threading.Event(), threading.Event()
    parse = drain.parse_log_entries

    def held_parse(body: bytes) -> Any:
        parsing.set()
        release.wait(10)
        return parse(body)

    monkeypatch.setattr(drain, "parse_log_entries", held_parse)
    body = payloads.as_ndjson(seven_requests())
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        delivery = pool.submit(post, f"{app_url}/api/drain/logs", body)
        assert parsing.wait(10)
        try:
            health = httpx.get(f"{app_url}/api/health", timeout=5)
        finally:
            release.set()
        assert health.status_code == 200, health.text
        assert delivery.result().status_code == 200

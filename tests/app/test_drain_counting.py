"""The drains' counts under the faults of issue 36 (findings 1 and 2), end to end: the
running app records signed deliveries in real Redis behind a fault proxy, and the metrics
cron's publisher sends closed minutes to moto behind a CloudWatch proxy that fails calls.
Whatever fails halfway, each request is counted once in CloudWatch, or said to be lost."""

import asyncio
import concurrent.futures
import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis

from app.cloudwatch_once import PublishFailed
from app.routes import drain, drain_counts, drain_publish
from tests.app import drain_payloads as payloads
from tests.app.cloudwatch_faults import cloudwatch_faults
from tests.app.drain_checks import total
from tests.app.drain_payloads import Served
from tests.app.fault_proxy import FaultProxy, fault_proxy
from tests.app.running_app import running_app
from tests.local_services import REDIS_URL, redis_url

MINUTE = drain.MINUTE_MS
NOW = drain_counts.now_ms()
T0 = NOW - NOW % MINUTE - 10 * MINUTE
"""The minute the tests' traffic starts: ten minutes ago, so CloudWatch's window holds it."""


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The drains' and the publisher's clock, set by the test: `{"now": ms}`."""
    now = {"now": T0 + 30_000}
    monkeypatch.setattr(drain_counts, "now_ms", lambda: now["now"])
    return now


@pytest.fixture
def redis_proxy(namespace: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultProxy]:  # noqa: ARG001
    with fault_proxy(6379) as proxy:
        monkeypatch.setenv("REDIS_URL", redis_url(proxy.port))
        yield proxy


@pytest.fixture
def url(redis_proxy: FaultProxy, clock: dict[str, int]) -> Iterator[str]:  # noqa: ARG001
    with running_app() as base:
        yield f"{base}/api/drain/logs"


def post(url: str, body: bytes) -> httpx.Response:
    return httpx.post(url, content=body, headers=payloads.signed(payloads.SECRET, body), timeout=30)


def publish(namespace: str, at_ms: int) -> drain_publish.Published:
    return asyncio.run(drain_publish.publish(REDIS_URL, namespace, at_ms, lambda: None))


def closed_after(minute_ms: int) -> int:
    """A time at which `minute_ms` is closed for the drains and the publisher."""
    return minute_ms + 2 * MINUTE + drain_counts.SETTLE_MS + drain_counts.CLOCK_SKEW_MS


def failed_requests(per_minute: dict[int, int]) -> list[dict[str, Any]]:
    return payloads.log_entries(
        [
            Served(minute + 1000 * i, 500)
            for minute, count in per_minute.items()
            for i in range(count)
        ]
    )


# Finding 1: a lost reply to the record script (the script ran, the client timed out), and
# Redis failing mid-request in other ways: the delivery is refused (503), Vercel delivers it
# again, and every request counts once.
@pytest.mark.parametrize("mode", ["lose_replies", "drop_mid_response", "refuse"])
@pytest.mark.parametrize("minutes", [1, 2])
def test_redis_failing_mid_delivery_loses_nothing_and_counts_nothing_twice(
    url: str, namespace: str, redis_proxy: FaultProxy, mode: str, minutes: int
) -> None:
    per_minute = {T0: 5} if minutes == 1 else {T0: 3, T0 + MINUTE: 3}
    body = payloads.as_ndjson(failed_requests(per_minute))
    with redis.Redis.from_url(REDIS_URL) as client:
        client.script_load(drain_counts._RECORD)  # so the script runs with no NOSCRIPT first
    redis_proxy.set_mode(mode, pattern=b"EVALSHA")
    refused = post(url, body)
    assert refused.status_code == 503, refused.text
    redis_proxy.set_mode("pass")
    again = post(url, body)
    assert again.status_code == 200
    requests = sum(per_minute.values())
    publish(namespace, closed_after(T0 + MINUTE))
    assert total(namespace, "Requests", "web") == requests
    assert total(namespace, "Errors", "web") == requests


# Finding 2: one request's lines in two deliveries either side of a minute boundary.
@pytest.mark.parametrize("proxy_first", [True, False])
def test_a_request_split_across_deliveries_and_minutes_counts_once(
    url: str, namespace: str, proxy_first: bool
) -> None:
    boundary = T0 + MINUTE
    proxy_line, function_line = payloads.log_entries([Served(boundary - 100, 200)], True)
    proxy_line["proxy"]["statusCode"] = proxy_line["statusCode"] = 200
    function_line["timestamp"], function_line["statusCode"] = boundary + 100, 500
    for line in [proxy_line, function_line] if proxy_first else [function_line, proxy_line]:
        assert post(url, payloads.as_json([line])).status_code == 200
    publish(namespace, closed_after(boundary))
    assert total(namespace, "Requests", "web") == 1
    assert total(namespace, "Errors", "web") == 1


def test_concurrent_deliveries_of_the_same_requests_count_them_once(
    url: str, namespace: str
) -> None:
    shared = failed_requests({T0: 5})
    bodies = [payloads.as_json([*shared, *failed_requests({T0: 1})]) for _ in range(12)]
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda body: post(url, body), bodies))
    assert {answer.status_code for answer in answers} == {200}
    publish(namespace, closed_after(T0))
    assert total(namespace, "Requests", "web") == 5 + 12


def test_a_delivery_sent_again_in_the_next_minute_counts_once(
    url: str, namespace: str, clock: dict[str, int]
) -> None:
    """Its heartbeat goes in the minute of its newest line, not of its arrival: a copy that
    arrives after a minute boundary meets the first one's record."""
    body = payloads.as_ndjson(failed_requests({T0: 3}))
    clock["now"] = T0 + MINUTE - 100
    assert post(url, body).json() == {"counted": 3 + 1, "seen": 0, "late": 0}
    clock["now"] = T0 + MINUTE + 100
    assert post(url, body).json() == {"counted": 0, "seen": 3 + 1, "late": 0}
    publish(namespace, closed_after(T0 + MINUTE))
    assert total(namespace, "DrainDeliveries", "drain") == 1
    assert total(namespace, "Requests", "web") == 3


def test_an_evicted_minute_is_reported_lost_and_never_counted_again(
    url: str, namespace: str
) -> None:
    body = payloads.as_ndjson(failed_requests({T0: 4}))
    assert post(url, body).json()["counted"] == 4 + 1  # and the delivery's heartbeat
    _, _, minute_prefix = drain_counts.keys(namespace)
    with redis.Redis.from_url(REDIS_URL) as client:
        assert client.delete(f"{minute_prefix}{T0}") == 1  # what Upstash's eviction does
    replay = post(url, body)
    assert replay.json() == {"counted": 0, "seen": 0, "late": 4 + 1}
    assert publish(namespace, closed_after(T0)).lost == 1
    assert total(namespace, "Requests", "web") == 0


def test_a_published_minute_is_never_counted_again(
    url: str, namespace: str, clock: dict[str, int]
) -> None:
    body = payloads.as_ndjson(failed_requests({T0: 4}))
    assert post(url, body).status_code == 200
    clock["now"] = closed_after(T0) + (drain_counts.RADIUS_MINUTES + 1) * MINUTE
    publish(namespace, clock["now"])
    publish(namespace, clock["now"])  # its hash is dropped once no line can join it
    _, pending, _ = drain_counts.keys(namespace)
    with redis.Redis.from_url(REDIS_URL) as client:
        assert client.zcard(pending) == 0
    assert post(url, body).json() == {"counted": 0, "seen": 0, "late": 4 + 1}
    publish(namespace, clock["now"])
    assert total(namespace, "Requests", "web") == 4


@pytest.fixture
def three_minutes(url: str) -> int:
    """Five failed requests in each of three minutes, recorded; how many in all."""
    body = payloads.as_ndjson(failed_requests({T0 + i * MINUTE: 5 for i in range(3)}))
    assert post(url, body).json()["counted"] == 15 + 1
    return 15


def test_a_refused_call_is_sent_again_and_nothing_before_it(
    three_minutes: int, namespace: str, aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = closed_after(T0 + 2 * MINUTE)
    with cloudwatch_faults(aws_env, {2: "refuse"}) as (proxy, calls):
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy)
        with pytest.raises(PublishFailed, match="InvalidParameterValue"):
            publish(namespace, at)
        assert publish(namespace, at).minutes == 2
    assert calls == ["pass", "refuse", "pass", "pass"]
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_env)
    assert total(namespace, "Requests", "web") == three_minutes


def test_a_call_whose_answer_was_lost_is_read_back_not_sent_again(
    three_minutes: int, namespace: str, aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = closed_after(T0 + 2 * MINUTE)
    with cloudwatch_faults(aws_env, {1: "timeout"}) as (proxy, calls):
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy)
        with pytest.raises(PublishFailed):
            publish(namespace, at)
        assert publish(namespace, at).minutes == 3
    assert calls == ["timeout", "pass", "pass"]
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_env)
    assert total(namespace, "Requests", "web") == three_minutes


def test_a_call_that_never_arrived_is_sent_again_once_cloudwatch_would_show_it(
    three_minutes: int, namespace: str, aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = closed_after(T0 + 2 * MINUTE)
    with cloudwatch_faults(aws_env, {1: "reset"}) as (proxy, calls):
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy)
        with pytest.raises(PublishFailed):
            publish(namespace, at)
        assert publish(namespace, at).waiting == 1  # not readable yet: not sent again yet
        assert publish(namespace, at + 5 * MINUTE).minutes == 1
    assert calls == ["reset", "pass", "pass", "pass"]
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_env)
    assert total(namespace, "Requests", "web") == three_minutes


def test_the_settle_delay_and_radius_cover_every_stacks_max_duration() -> None:
    from tests.conftest import STACKS
    from tests.helpers import load

    longest = max(load(stack).compute.function_max_duration_seconds for stack in STACKS)
    assert longest * 1000 < drain_counts.SETTLE_MS
    assert drain_counts.RADIUS_MINUTES * MINUTE >= drain_counts.SETTLE_MS + MINUTE


def test_a_minute_is_one_call_within_put_metric_datas_limits() -> None:
    fields = {"#n": 6000, "#e": 3, "#d": 40}
    fields.update({f"#t{ms}": 1 for ms in range(100_000)})  # 100,000 distinct durations
    data = drain_publish.minute_datums(T0, fields)
    assert len(data) <= 1000
    values = sum(len(datum.get("Values", [])) for datum in data)
    assert values <= drain_publish.MAX_DISTINCT_DURATIONS
    counts = sum(sum(datum.get("Counts", [])) for datum in data)
    assert counts == 100_000
    assert data[0]["Timestamp"] == dt.datetime.fromtimestamp(T0 / 1000, dt.UTC)

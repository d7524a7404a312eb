"""The payment windows the metrics cron sends, each exactly once, through real Redis and moto
behind a proxy that fails chosen PutMetricData calls: a call stored whose answer was lost is
read back, not sent again (botocore's retry sent it twice); a refused call, a failed run or a
skipped one leaves its window for the next run (it was lost); a run delivered twice sends
nothing the second time (it doubled the window)."""

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis

from app import metric_catalog as catalog
from app.cloudwatch_once import PublishFailed
from app.jobs.payments import PaymentWindow, window_before
from app.metrics import cloudwatch
from app.routes import payment_windows
from app.routes.cron_guard import LeaseLost
from app.routes.payment_windows import PERIOD, WindowsPublished
from tests.app.cloudwatch_faults import cloudwatch_faults
from tests.local_services import REDIS_URL

NEWEST = window_before(dt.datetime.now(dt.UTC))[0]
"""The newest closed window: the tests' clock stands half a minute after it ends."""
NOW = NEWEST + PERIOD + dt.timedelta(seconds=30)


def attempts_of(start: dt.datetime) -> int:
    """What the database holds for the window (the counting itself: test_payments.py)."""
    return 100 + start.minute


def count(start: dt.datetime) -> PaymentWindow:
    return PaymentWindow(start, start + PERIOD, attempts_of(start), 3)


@pytest.fixture
def namespace(aws_env: str) -> Iterator[str]:  # noqa: ARG001 (its environment)
    name = catalog.namespace(f"test-{uuid.uuid4().hex[:8]}")
    yield name
    with redis.Redis.from_url(REDIS_URL) as client:
        client.delete(f"{payment_windows.PREFIX}:{name}")


def publish(
    namespace: str, now: dt.datetime = NOW, checkpoint: Callable[[], None] = lambda: None
) -> WindowsPublished:
    return asyncio.run(
        payment_windows.publish_windows(REDIS_URL, namespace, now, count, checkpoint)
    )


def sent(namespace: str) -> dict[dt.datetime, tuple[float, float]]:
    """PaymentAttempts in CloudWatch per window: (Sum, SampleCount)."""
    points = cloudwatch().get_metric_statistics(
        Namespace=namespace, MetricName="PaymentAttempts",
        Dimensions=[{"Name": "Service", "Value": "payments"}],
        StartTime=NEWEST - dt.timedelta(hours=3), EndTime=NEWEST + dt.timedelta(hours=1),
        Period=300, Statistics=["Sum", "SampleCount"],
    )["Datapoints"]  # fmt: skip
    return {p["Timestamp"]: (p["Sum"], p["SampleCount"]) for p in points}


def each_once(*starts: dt.datetime) -> dict[dt.datetime, tuple[float, float]]:
    return {start: (float(attempts_of(start)), 1.0) for start in starts}


def test_the_first_run_sends_the_newest_window_and_a_second_delivery_nothing(
    namespace: str,
) -> None:
    first = publish(namespace)
    assert (first.windows, first.newest) == (1, count(NEWEST))
    assert publish(namespace).windows == 0  # Vercel delivered the run again
    assert sent(namespace) == each_once(NEWEST)


def test_windows_a_failed_or_skipped_run_left_are_sent_by_the_next(namespace: str) -> None:
    earlier = NOW - 3 * PERIOD
    assert publish(namespace, earlier).windows == 1
    result = publish(namespace)  # two runs never came, a third failed before it sent
    assert result.windows == 3
    assert sent(namespace) == each_once(*(NEWEST - n * PERIOD for n in range(4)))


def test_a_call_whose_answer_was_lost_is_read_back_not_sent_again(
    namespace: str, aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with cloudwatch_faults(aws_env, {1: "timeout"}) as (proxy, calls):
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy)
        with pytest.raises(PublishFailed):
            publish(namespace)
        assert publish(namespace).windows == 1
    assert calls == ["timeout"]
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_env)
    assert sent(namespace) == each_once(NEWEST)


def test_a_refused_call_is_sent_again_by_the_next_run(
    namespace: str, aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with cloudwatch_faults(aws_env, {1: "refuse"}) as (proxy, calls):
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy)
        with pytest.raises(PublishFailed, match="InvalidParameterValue"):
            publish(namespace)
        assert publish(namespace).windows == 1
    assert calls == ["refuse", "pass"]
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_env)
    assert sent(namespace) == each_once(NEWEST)


def test_a_call_that_never_arrived_is_sent_again_once_cloudwatch_would_show_it(
    namespace: str, aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = NOW + PERIOD + dt.timedelta(minutes=1)
    with cloudwatch_faults(aws_env, {1: "reset"}) as (proxy, calls):
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy)
        with pytest.raises(PublishFailed):
            publish(namespace)
        assert publish(namespace).waiting  # not readable yet: not sent again yet
        assert publish(namespace, later).windows == 2
    assert calls == ["reset", "pass", "pass"]
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_env)
    assert sent(namespace) == each_once(NEWEST, NEWEST + PERIOD)


def test_a_run_that_lost_its_lock_stops_before_its_next_write(namespace: str) -> None:
    assert publish(namespace, NOW - 2 * PERIOD).windows == 1
    checks = 0

    def lease() -> None:  # it ends after the first window's call, before it is marked
        nonlocal checks
        checks += 1
        if checks > 3:
            raise LeaseLost("the lock was lost")

    with pytest.raises(LeaseLost):
        publish(namespace, checkpoint=lease)
    assert publish(namespace).windows == 2  # that one found in CloudWatch, the last sent
    assert sent(namespace) == each_once(*(NEWEST - n * PERIOD for n in range(3)))


def test_windows_older_than_cloudwatch_takes_are_skipped_and_said(
    namespace: str, caplog: pytest.LogCaptureFixture
) -> None:
    """After 15 days without a run: 14 days (4,032 windows) are sent, 12 a run; the day
    before them is skipped, since PutMetricData refuses data older than two weeks."""
    with redis.Redis.from_url(REDIS_URL) as client:
        last = NEWEST - dt.timedelta(days=15)
        client.hset(f"{payment_windows.PREFIX}:{namespace}", "published", int(last.timestamp()))
    result = publish(namespace)
    assert result.skipped == 24 * 12 + 1  # from 15 days back to the first inside 14 days
    assert result.windows == payment_windows.MAX_WINDOWS_PER_RUN
    assert "289 payment windows were too old to publish" in caplog.text

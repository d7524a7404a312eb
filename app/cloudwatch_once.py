"""PutMetricData made once, and a lost answer read back instead of sent again.

CloudWatch cannot take a count back or de-duplicate one: PutMetricData adds every datum it
is sent (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html).
botocore's own retries resend a call whose answer timed out, or came back 5xx, blindly
(botocore/retries/standard.py retries both), and such a call may have been stored. So the
publishers of counts (the drains' minutes, app.routes.drain_publish; the payment windows,
app.routes.payment_windows) make each call once, with no retry:
- a refusal (4xx) or a connection never made stored nothing: the next run sends it again;
- any other failure may have been stored: the publisher marks the call `sending`, and the
  next run reads the call's first datum back (GetMetricStatistics, SampleCount: each
  publisher is the only writer of its metrics). If CloudWatch has it, the call is done;
  if not, it is sent again only once the data would be readable (VISIBLE_AFTER). Should
  CloudWatch store a call yet not show it within that time, that call counts twice: the one
  window no design can close, since CloudWatch offers no way to ask whether a call landed.
"""

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.config import Config
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

from app import aws
from app.metric_catalog import Datum

if TYPE_CHECKING:
    import redis.asyncio as aioredis
    from mypy_boto3_cloudwatch import CloudWatchClient
else:
    CloudWatchClient = Any

VISIBLE_AFTER_MS = ((3 * 3600_000, 5 * 60_000), (24 * 3600_000, 2 * 3600_000))
"""PutMetricData: data 3 to 24 hours old "can take as much as 2 hours to become available",
older data "at least 48 hours" (else). For newer data AWS states no delay: a cron period."""
OLDER_VISIBLE_AFTER_MS = 48 * 3600_000
# `total_max_attempts`: botocore reads a client config's `max_attempts` as retries, not attempts
# (botocore/args.py, _compute_retry_max_attempts).
_ONCE = aws.RETRIES.merge(Config(retries={"mode": "standard", "total_max_attempts": 1}))


class PublishFailed(Exception):
    """CloudWatch did not take a call; the message is short and names no secret."""

    def __init__(self, status: int, message: str, may_have_landed: bool = True) -> None:
        super().__init__(message)
        self.status = status
        self.may_have_landed = may_have_landed
        """False when the failure shows that CloudWatch stored nothing."""


def cloudwatch_once() -> "CloudWatchClient":
    return aws.session().client("cloudwatch", config=_ONCE)


def put(client: "CloudWatchClient", namespace: str, data: list[Datum]) -> None:
    """One PutMetricData call, never retried; raises PublishFailed."""
    try:
        client.put_metric_data(
            Namespace=namespace,
            MetricData=data,  # type: ignore[arg-type]  # the stubs' TypedDict, as plain dicts
        )
    except aws.FAILURES as error:
        status, message = aws.failure(error)
        raise PublishFailed(status, message, _may_have_landed(error)) from None


async def send(
    client: "CloudWatchClient",
    namespace: str,
    data: list[Datum],
    checkpoint: Callable[[], None],
    mark: "tuple[aioredis.Redis, str, str, str]",
) -> None:
    """Marks the call sending (`mark`: Redis, a hash, its field, the value) and makes it,
    each after the run's lease `checkpoint`; takes the mark back if the call failed and
    CloudWatch stored nothing. Raises PublishFailed."""
    from starlette.concurrency import run_in_threadpool

    redis, key, field, value = mark
    checkpoint()
    await redis.hset(key, field, value)
    checkpoint()
    try:
        await run_in_threadpool(put, client, namespace, data)
    except PublishFailed as failed:
        if not failed.may_have_landed:  # the next run sends it afresh
            await redis.hdel(key, field)
        raise


def landed(client: "CloudWatchClient", namespace: str, probe: Datum) -> bool:
    """Whether CloudWatch holds the probe datum's minute as sent (its publisher is the only
    writer of the metric)."""
    start = probe["Timestamp"]
    points = client.get_metric_statistics(
        Namespace=namespace, MetricName=probe["MetricName"], Dimensions=probe["Dimensions"],
        StartTime=start, EndTime=start + dt.timedelta(minutes=1), Period=60,
        Statistics=["SampleCount"],
    )["Datapoints"]  # fmt: skip
    return sum(point.get("SampleCount", 0.0) for point in points) >= _samples(probe)


def readable_at(data_ms: int, sent_ms: int) -> int:
    """When data stamped `data_ms`, sent at `sent_ms`, is sure to be readable."""
    age = sent_ms - data_ms
    wait = next((wait for oldest, wait in VISIBLE_AFTER_MS if age < oldest), OLDER_VISIBLE_AFTER_MS)
    return sent_ms + wait


def _samples(datum: Datum) -> float:
    if "StatisticValues" in datum:
        return float(datum["StatisticValues"]["SampleCount"])
    return float(sum(datum.get("Counts", [1.0])))


def _may_have_landed(error: Exception) -> bool:
    if isinstance(error, ClientError):
        return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500)) >= 500
    return not isinstance(
        error, EndpointConnectionError | ConnectTimeoutError | aws.CredentialsError
    )

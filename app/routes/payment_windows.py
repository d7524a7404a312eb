"""Each payment window's counts sent to CloudWatch exactly once, whatever fails midway.

The metrics cron counts a window's payments in PostgreSQL (app.jobs.payments) and sends the
two counts stamped with the window's start. Sent twice, they are counted twice: botocore
resent a call whose answer was lost, and Vercel may deliver one cron run more than once
(https://vercel.com/docs/schedules/concepts, "Duplicate runs"); and a run that failed left
its window unsent for good. So, as the drains' minutes are (app.routes.drain_publish):
- Redis keeps, per metrics namespace, the start of the newest window CloudWatch took
  (`published`) and, while a call's answer is unknown, that call's window and time
  (`sending`). Only the locked cron writes them, each write after its lease check.
- A run publishes, oldest first, every window after `published` up to the newest closed
  one, at most MAX_WINDOWS_PER_RUN (the rest is the next run's). Each is counted from the
  database when it is sent (its rows are still there, so a failed run loses nothing) and
  sent in one call made once (app.cloudwatch_once): a refused call is sent again by the
  next run, a call whose answer was lost is read back first.
- A namespace's first run starts at the newest closed window; a window older than
  CloudWatch takes (drain.OLDEST_MS, two weeks) is skipped and said so in the log.
Disk usage is no count: it goes out with botocore's retries (app.metrics), since a second
copy of one reading changes no statistic the disk alarm reads (Maximum), and a missing one
is breaching (stacks/alert_watches.py).
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app import cloudwatch_once
from app import metric_catalog as catalog
from app.jobs.payments import PaymentWindow, window_before
from app.metrics import value_datum
from app.routes.drain import OLDEST_MS
from app.routes.redis_link import FAILURES, connection, unavailable

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
else:
    CloudWatchClient = Any

log = logging.getLogger(__name__)
PREFIX = "crms:payments"
"""Redis: PREFIX:<namespace>, a hash of `published` (epoch s) and `sending` (s:ms). It has
no expiry: Upstash evicts keys with one first (https://upstash.com/docs/redis/features/eviction),
and a lost `sending` would send a window twice."""
MAX_WINDOWS_PER_RUN = 12
"""An hour of windows a run (a query and a call each): a day's outage is caught up within
a couple of hours, every run well inside the shortest maxDuration."""
PERIOD = dt.timedelta(seconds=catalog.PAYMENT_WINDOW_SECONDS)


@dataclass
class WindowsPublished:
    windows: int = 0
    """Windows CloudWatch took in this run (or turned out to have taken in an earlier one)."""
    waiting: bool = False
    """A window whose earlier call's fate is not yet readable: left for a later run."""
    skipped: int = 0
    """Windows older than CloudWatch takes, never sent (logged as errors)."""
    newest: PaymentWindow | None = None
    """The newest window sent in this run."""


def window_datums(window: PaymentWindow) -> list[catalog.Datum]:
    """Attempts first: the datum read back after a lost answer."""
    return [
        value_datum(catalog.PAYMENT_ATTEMPTS, window.attempts, window.start),
        value_datum(catalog.PAYMENT_FAILURES, window.failures, window.start),
    ]


async def publish_windows(
    redis_url: str,
    namespace: str,
    now: dt.datetime,
    count: Callable[[dt.datetime], PaymentWindow],
    checkpoint: Callable[[], None],
    client: Callable[[], "CloudWatchClient"] = cloudwatch_once.cloudwatch_once,
) -> WindowsPublished:
    """Publishes every closed window not yet published; `count` counts one (by its start) in
    the database, `checkpoint` raises when the run may no longer write. Raises
    RedisUnavailable, or PublishFailed for a window CloudWatch did not take."""
    from starlette.concurrency import run_in_threadpool

    key, result = f"{PREFIX}:{namespace}", WindowsPublished()
    newest = window_before(now)[0]
    oldest = _floor(now - dt.timedelta(milliseconds=OLDEST_MS) + PERIOD)
    try:
        async with connection(redis_url) as redis:
            checkpoint()
            state = {_text(k): _text(v) for k, v in (await redis.hgetall(key)).items()}
            if "published" not in state:  # the namespace's first run: it starts here
                state["published"] = str(_epoch(newest - PERIOD))
                await redis.hset(key, "published", state["published"])
            if (start := _at(int(state["published"])) + PERIOD) < oldest:
                result.skipped = (oldest - start) // PERIOD
                log.error("%d payment windows were too old to publish", result.skipped)
                start = oldest
            sent, _, sent_ms = state.get("sending", "").partition(":")
            cloudwatch: CloudWatchClient | None = None
            while start <= newest and result.windows < MAX_WINDOWS_PER_RUN:
                window = await run_in_threadpool(count, start)
                data = window_datums(window)
                if cloudwatch is None:
                    cloudwatch = await run_in_threadpool(client)
                at_ms = int(now.timestamp() * 1000)
                if sent == str(_epoch(start)):
                    if await run_in_threadpool(
                        cloudwatch_once.landed, cloudwatch, namespace, data[0]
                    ):
                        data = []
                    elif at_ms < cloudwatch_once.readable_at(_epoch(start) * 1000, int(sent_ms)):
                        result.waiting = True
                        break
                if data:
                    mark = (redis, key, "sending", f"{_epoch(start)}:{at_ms}")
                    await cloudwatch_once.send(cloudwatch, namespace, data, checkpoint, mark)
                    result.newest = window
                checkpoint()
                await redis.hset(key, "published", str(_epoch(start)))
                await redis.hdel(key, "sending")
                result.windows += 1
                start += PERIOD
    except FAILURES as error:
        raise unavailable(error) from None
    return result


def _epoch(at: dt.datetime) -> int:
    return int(at.timestamp())


def _at(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def _floor(at: dt.datetime) -> dt.datetime:
    """The start of the window `at` falls in."""
    return _at(_epoch(at) // catalog.PAYMENT_WINDOW_SECONDS * catalog.PAYMENT_WINDOW_SECONDS)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value

"""Publish the catalogue's metrics to CloudWatch (PutMetricData).

Values are collected during a request or a cron run and sent in one call at the
end (`flush`), with exactly the names, units and dimensions the alarms watch.
"""

import datetime as dt
from typing import TYPE_CHECKING, Any

from app import metric_catalog as catalog
from app.aws import RETRIES, session

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
else:
    CloudWatchClient = Any

MAX_PER_CALL = 1000  # PutMetricData's limit of values per request


def cloudwatch() -> "CloudWatchClient":
    return session().client("cloudwatch", config=RETRIES)


class MetricsEmitter:
    def __init__(self, client: "CloudWatchClient", namespace: str) -> None:
        self._client = client
        self._namespace = namespace
        self._pending: list[dict[str, Any]] = []

    def request(self, failed: bool) -> None:
        """One served request; errors over requests is the high_error_rate alarm."""
        self._add(catalog.REQUESTS, 1)
        self._add(catalog.ERRORS, 1 if failed else 0)

    def payment(self, failed: bool) -> None:
        """One payment attempt; failures over attempts is the payment_failures alarm."""
        self._add(catalog.PAYMENT_ATTEMPTS, 1)
        self._add(catalog.PAYMENT_FAILURES, 1 if failed else 0)

    def contract_created(self, seconds: float) -> None:
        self._add(catalog.CONTRACT_CREATION_TIME, seconds)

    def disk_usage(self, percent: float) -> None:
        self._add(catalog.DATABASE_DISK_USAGE, percent)

    def extend(self, data: list[dict[str, Any]]) -> None:
        """Datums already shaped for PutMetricData (the drain's per-minute aggregates)."""
        self._pending.extend(data)

    def flush(self) -> int:
        """Send everything collected; returns how many values were sent."""
        sent = 0
        while self._pending:
            batch, self._pending = self._pending[:MAX_PER_CALL], self._pending[MAX_PER_CALL:]
            # Plain dicts where the stubs want their TypedDict: the shape is the same.
            self._client.put_metric_data(Namespace=self._namespace, MetricData=batch)  # type: ignore[arg-type]
            sent += len(batch)
        return sent

    def _add(self, metric: catalog.Metric, value: float, at: dt.datetime | None = None) -> None:
        self._pending.append(value_datum(metric, value, at or dt.datetime.now(dt.UTC)))


def value_datum(metric: catalog.Metric, value: float, at: dt.datetime) -> catalog.Datum:
    return {**metric.datum(at), "Value": value}

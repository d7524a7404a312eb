"""What each alert rule's alarm watches: metric, statistic, period, comparison, missing
data. The metric names, units and dimensions come from `app.metric_catalog`, which the
app's publishers use too.
"""

import math
from collections.abc import Callable

from app import metric_catalog as catalog
from components.alarm_watch import (
    Comparison,
    FailureRate,
    MissingData,
    OneMetric,
    Watch,
    WatchedMetric,
)
from stacks.alert_rules import AlertKind

MINUTE = 60
DAY = 86_400
"""CloudWatch: period x evaluation periods may span at most one day (PutMetricAlarm)."""

Shape = Callable[[str, int], Watch]
"""(metrics namespace, the rule's window in minutes) -> what the alarm watches."""


def _error_rate(namespace: str, minutes: int) -> Watch:
    # One datapoint a minute while requests flow. A minute without requests is no
    # error (notBreaching); a drain that stopped delivering is the drain_silence alarm's.
    rate = _rate(namespace, catalog.ERRORS, catalog.REQUESTS, "Error rate (%)")
    return Watch(what=rate, period=MINUTE, periods=minutes, missing_data=MissingData.NOT_BREACHING)


def _payment_failure_rate(namespace: str, minutes: int) -> Watch:
    # The metrics cron publishes a window every 5 minutes, zeros included, so each
    # period holds one datapoint. A missing one means the cron stopped, which the
    # low_disk_space alarm (same cron, missing = breaching) already pages ops for.
    period = catalog.PAYMENT_WINDOW_SECONDS
    rate = _rate(
        namespace, catalog.PAYMENT_FAILURES, catalog.PAYMENT_ATTEMPTS, "Payment failure rate (%)"
    )
    return Watch(
        what=rate,
        period=period,
        periods=math.ceil(minutes * MINUTE / period),
        missing_data=MissingData.NOT_BREACHING,
    )


def _slow_contract_creation(namespace: str, minutes: int) -> Watch:
    return Watch(
        what=OneMetric(
            metric=_metric(namespace, catalog.CONTRACT_CREATION_TIME), extended_statistic="p95"
        ),
        period=MINUTE,
        periods=minutes,
        # No contract created in a minute is nothing slow; drain silence has its own alarm.
        missing_data=MissingData.NOT_BREACHING,
    )


def _low_disk_space(namespace: str, minutes: int) -> Watch:
    period = catalog.DISK_PROBE_PERIOD_SECONDS
    return Watch(
        what=OneMetric(metric=_metric(namespace, catalog.DATABASE_DISK_USAGE), statistic="Maximum"),
        period=period,
        periods=math.ceil(minutes * MINUTE / period),
        # A silent probe hides a filling disk: missing data alarms, so ops mends the probe.
        missing_data=MissingData.BREACHING,
    )


def _drain_silence(namespace: str, minutes: int) -> Watch:
    # One period as long as the rule's window: fewer deliveries than the threshold in
    # it, or none at all (missing = breaching), means the error-rate and latency
    # alarms are blind.
    return Watch(
        what=OneMetric(metric=_metric(namespace, catalog.DRAIN_DELIVERIES), statistic="Sum"),
        period=min(minutes * MINUTE, DAY),
        periods=1,
        missing_data=MissingData.BREACHING,
        comparison=Comparison.BELOW,
    )


def _metric(namespace: str, metric: catalog.Metric) -> WatchedMetric:
    return WatchedMetric(
        namespace=namespace, name=metric.name, unit=metric.unit, dimensions=metric.dimensions
    )


def _rate(
    namespace: str, failures: catalog.Metric, attempts: catalog.Metric, label: str
) -> FailureRate:
    return FailureRate(
        failures=_metric(namespace, failures), attempts=_metric(namespace, attempts), label=label
    )


WATCHES: dict[AlertKind, Shape] = {
    AlertKind.HIGH_ERROR_RATE: _error_rate,
    AlertKind.SLOW_CONTRACT_CREATION: _slow_contract_creation,
    AlertKind.LOW_DISK_SPACE: _low_disk_space,
    AlertKind.PAYMENT_FAILURES: _payment_failure_rate,
    AlertKind.DRAIN_SILENCE: _drain_silence,
}


def watch(kind: AlertKind, namespace: str, minutes: int) -> Watch:
    """What `kind`'s alarm watches, for metrics in `namespace` over a window of `minutes`."""
    return WATCHES[kind](namespace, minutes)

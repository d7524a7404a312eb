"""The alert rules, one enum, and what each one's alarm watches: metric, statistic, period,
comparison, missing data.

The metric names, units and dimensions come from `app.metric_catalog`, which
the app's publishers use too; `AlertKind` names the rules and carries each one's shape,
description and the deployed piece that publishes its data.
"""

import math
from collections.abc import Callable
from enum import Enum

from app import metric_catalog as catalog
from components.alarm_watch import (
    Comparison,
    FailureRate,
    MissingData,
    OneMetric,
    Watch,
    WatchedMetric,
)

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


class AlertKind(Enum):
    """The alert rules: the seed's four (monitoring/alerts.yml) and the drain's heartbeat.

    The one list of them. The value is the rule's key (the settings field under
    `alerts`, hence the config keys `crms:alerts<Key>...`); each member carries what its
    alarm watches, its description, which deployed piece publishes its data, and whether
    the seed asks for it. The policy pack keeps a copy of the seed's alarm names
    (policies/crms_rules/operations.py); tests/policies tie it to this enum.
    """

    shape: Shape
    description: str
    source: str
    from_seed: bool

    def __new__(
        cls, key: str, shape: Shape, description: str, source: str, from_seed: bool
    ) -> "AlertKind":
        member = object.__new__(cls)
        member._value_ = key
        member.shape, member.description, member.source = shape, description, source
        member.from_seed = from_seed
        return member

    HIGH_ERROR_RATE = (
        "high_error_rate",
        _error_rate,
        "More than the threshold's percentage of requests failed.",
        "Vercel log drain on the web project -> ops app POST /api/drain/logs",
        True,
    )
    SLOW_CONTRACT_CREATION = (
        "slow_contract_creation",
        _slow_contract_creation,
        "95th percentile of contract creation time above the threshold.",
        "Vercel trace drain on the web project -> POST /api/drain/traces",
        True,
    )
    LOW_DISK_SPACE = (
        "low_disk_space",
        _low_disk_space,
        "Database disk usage above the threshold's percentage.",
        "ops app cron GET /api/cron/metrics (database size probe)",
        True,
    )
    PAYMENT_FAILURES = (
        "payment_failures",
        _payment_failure_rate,
        "More than the threshold's percentage of payment attempts failed.",
        "ops app cron GET /api/cron/metrics (payments table, by status)",
        True,
    )
    DRAIN_SILENCE = (
        "drain_silence",
        _drain_silence,
        "Fewer Vercel drain deliveries than the threshold: request alarms are blind.",
        "ops app drain endpoints (one DrainDeliveries per accepted delivery)",
        False,
    )

    @property
    def key(self) -> str:
        """The settings field under `alerts`, and the alarm's name in the outputs."""
        return str(self.value)

    @property
    def resource_suffix(self) -> str:
        """The end of the alarm's resource name (`alerts-high-error-rate`), as
        components.alerts names it and the policy pack finds it."""
        return self.key.replace("_", "-")

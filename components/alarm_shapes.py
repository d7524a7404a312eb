"""What each alert rule watches: metric, statistic, period, comparison, missing data.

The metric names, units and dimensions come from `app.metric_catalog`, which
the app's publishers use too; `SOURCES` says which deployed piece publishes each.
"""

import math
from collections.abc import Callable
from typing import Any

from app import metric_catalog as catalog

MINUTE = 60
DAY = 86_400
"""CloudWatch: period x evaluation periods may span at most one day (PutMetricAlarm)."""

Shape = Callable[[str, int], dict[str, Any]]


def _error_rate(namespace: str, minutes: int) -> dict[str, Any]:
    # One datapoint a minute while requests flow. A minute without requests is no
    # error (notBreaching); a drain that stopped delivering is the drain_silence alarm's.
    return _rate(namespace, MINUTE, minutes, catalog.ERRORS, catalog.REQUESTS, "Error rate (%)")


def _payment_failure_rate(namespace: str, minutes: int) -> dict[str, Any]:
    # The metrics cron publishes a window every 5 minutes, zeros included, so each
    # period holds one datapoint. A missing one means the cron stopped, which the
    # low_disk_space alarm (same cron, missing = breaching) already pages ops for.
    period = catalog.PAYMENT_WINDOW_SECONDS
    periods = math.ceil(minutes * MINUTE / period)
    return _rate(
        namespace,
        period,
        periods,
        catalog.PAYMENT_FAILURES,
        catalog.PAYMENT_ATTEMPTS,
        "Payment failure rate (%)",
    )


def _slow_contract_creation(namespace: str, minutes: int) -> dict[str, Any]:
    return {
        **_single(namespace, catalog.CONTRACT_CREATION_TIME, MINUTE, minutes),
        "extended_statistic": "p95",
        # No contract created in a minute is nothing slow; drain silence has its own alarm.
        "treat_missing_data": "notBreaching",
    }


def _low_disk_space(namespace: str, minutes: int) -> dict[str, Any]:
    period = catalog.DISK_PROBE_PERIOD_SECONDS
    return {
        **_single(namespace, catalog.DATABASE_DISK_USAGE, period, math.ceil(minutes * 60 / period)),
        "statistic": "Maximum",
        # A silent probe hides a filling disk: missing data alarms, so ops mends the probe.
        "treat_missing_data": "breaching",
    }


def _drain_silence(namespace: str, minutes: int) -> dict[str, Any]:
    # One period as long as the rule's window: fewer deliveries than the threshold in
    # it, or none at all (missing = breaching), means the error-rate and latency
    # alarms are blind.
    return {
        **_single(namespace, catalog.DRAIN_DELIVERIES, min(minutes * MINUTE, DAY), 1),
        "statistic": "Sum",
        "comparison_operator": "LessThanThreshold",
        "treat_missing_data": "breaching",
    }


def _single(namespace: str, metric: catalog.Metric, period: int, periods: int) -> dict[str, Any]:
    return {
        "namespace": namespace,
        "metric_name": metric.name,
        "dimensions": metric.dimensions,
        "unit": metric.unit,
        "period": period,
        "evaluation_periods": periods,
        "datapoints_to_alarm": periods,
    }


def _rate(
    namespace: str,
    period: int,
    periods: int,
    failures: catalog.Metric,
    attempts: catalog.Metric,
    label: str,
) -> dict[str, Any]:
    def query(metric: catalog.Metric, query_id: str) -> dict[str, Any]:
        return {
            "id": query_id,
            "return_data": False,
            "metric": {
                "namespace": namespace,
                "metric_name": metric.name,
                "dimensions": metric.dimensions,
                "unit": metric.unit,
                "period": period,
                "stat": "Sum",
            },
        }

    return {
        "metric_queries": [
            query(failures, "failures"),
            query(attempts, "attempts"),
            {
                "id": "rate",
                "label": label,
                "expression": "IF(attempts > 0, 100 * failures / attempts, 0)",
                "return_data": True,
            },
        ],
        "evaluation_periods": periods,
        "datapoints_to_alarm": periods,
        "treat_missing_data": "notBreaching",
    }


SHAPES: dict[str, Shape] = {
    "high_error_rate": _error_rate,
    "slow_contract_creation": _slow_contract_creation,
    "low_disk_space": _low_disk_space,
    "payment_failures": _payment_failure_rate,
    "drain_silence": _drain_silence,
}
DESCRIPTIONS = {
    "high_error_rate": "More than the threshold's percentage of requests failed.",
    "slow_contract_creation": "95th percentile of contract creation time above the threshold.",
    "low_disk_space": "Database disk usage above the threshold's percentage.",
    "payment_failures": "More than the threshold's percentage of payment attempts failed.",
    "drain_silence": "Fewer Vercel drain deliveries than the threshold: request alarms are blind.",
}
SOURCES = {
    "high_error_rate": "Vercel log drain on the web project -> ops app POST /api/drain/logs",
    "slow_contract_creation": "Vercel trace drain on the web project -> POST /api/drain/traces",
    "low_disk_space": "ops app cron GET /api/cron/metrics (database size probe)",
    "payment_failures": "ops app cron GET /api/cron/metrics (payments table, by status)",
    "drain_silence": "ops app drain endpoints (one DrainDeliveries per accepted delivery)",
}
"""Which deployed piece publishes each alarm's data: exported, and in the README."""

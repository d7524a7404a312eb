"""What an alarm watches, typed: one metric under a statistic, or a failure rate computed
from two counts with metric math, and how CloudWatch evaluates it. `alarm_arguments` is
the one place these become MetricAlarm's arguments (pulumi-aws v7,
sdk/python/pulumi_aws/cloudwatch/metric_alarm.py; CloudWatch's PutMetricAlarm:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypedDict

import pulumi_aws as aws


class Comparison(StrEnum):
    ABOVE = "GreaterThanThreshold"
    BELOW = "LessThanThreshold"


class MissingData(StrEnum):
    """How a period without data counts (PutMetricAlarm's TreatMissingData)."""

    NOT_BREACHING = "notBreaching"
    BREACHING = "breaching"


@dataclass(frozen=True, kw_only=True)
class WatchedMetric:
    namespace: str
    name: str
    unit: str
    dimensions: Mapping[str, str]


@dataclass(frozen=True, kw_only=True)
class OneMetric:
    """One metric under a statistic (Sum, Maximum) or an extended one (p95)."""

    metric: WatchedMetric
    statistic: str | None = None
    extended_statistic: str | None = None


@dataclass(frozen=True, kw_only=True)
class FailureRate:
    """100 x failures / attempts per period, 0 in a period without attempts."""

    failures: WatchedMetric
    attempts: WatchedMetric
    label: str


@dataclass(frozen=True, kw_only=True)
class Watch:
    what: OneMetric | FailureRate
    period: int
    """Seconds per datapoint."""
    periods: int
    """Evaluation periods, every one of which must breach (datapoints to alarm)."""
    missing_data: MissingData
    comparison: Comparison = Comparison.ABOVE


class AlarmArguments(TypedDict, total=False):
    """The MetricAlarm keyword arguments a watch sets (mypy checks them against the SDK)."""

    comparison_operator: str
    evaluation_periods: int
    datapoints_to_alarm: int
    treat_missing_data: str
    namespace: str
    metric_name: str
    dimensions: Mapping[str, str]
    unit: str
    period: int
    statistic: str
    extended_statistic: str
    metric_queries: list[aws.cloudwatch.MetricAlarmMetricQueryArgsDict]


def alarm_arguments(watch: Watch) -> AlarmArguments:
    arguments = AlarmArguments(
        comparison_operator=watch.comparison.value,
        evaluation_periods=watch.periods,
        datapoints_to_alarm=watch.periods,
        treat_missing_data=watch.missing_data.value,
    )
    what = watch.what
    if isinstance(what, FailureRate):
        arguments["metric_queries"] = [
            _query(what.failures, "failures", watch.period),
            _query(what.attempts, "attempts", watch.period),
            {
                "id": "rate",
                "label": what.label,
                "expression": "IF(attempts > 0, 100 * failures / attempts, 0)",
                "return_data": True,
            },
        ]
        return arguments
    arguments["namespace"] = what.metric.namespace
    arguments["metric_name"] = what.metric.name
    arguments["dimensions"] = what.metric.dimensions
    arguments["unit"] = what.metric.unit
    arguments["period"] = watch.period
    if what.statistic is not None:
        arguments["statistic"] = what.statistic
    if what.extended_statistic is not None:
        arguments["extended_statistic"] = what.extended_statistic
    return arguments


def _query(
    metric: WatchedMetric, query_id: str, period: int
) -> aws.cloudwatch.MetricAlarmMetricQueryArgsDict:
    return {
        "id": query_id,
        "return_data": False,
        "metric": {
            "namespace": metric.namespace,
            "metric_name": metric.name,
            "dimensions": metric.dimensions,
            "unit": metric.unit,
            "period": period,
            "stat": "Sum",
        },
    }

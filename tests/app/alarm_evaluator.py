"""A small CloudWatch alarm evaluator: an alarm's definition from the plan, applied to the
datapoints moto holds.

It follows CloudWatch's documented evaluation
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html,
"Evaluating an alarm"): the last `evaluationPeriods` periods, each a value or missing;
missing counts as `treatMissingData` says; ALARM when at least `datapointsToAlarm`
breach. Sums and maxima come from moto over HTTP (GetMetricStatistics, one call per
period). moto computes no percentiles, so p95 reads the raw values moto stored (the
Values/Counts the app sent) and takes the nearest-rank 95th percentile.
"""

import ast
import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

from moto.cloudwatch.models import MetricDatum, cloudwatch_backends

from app.metrics import cloudwatch
from tests.local_services import MOTO_ACCOUNT

Alarm = Mapping[str, Any]
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanThreshold": lambda value, threshold: value > threshold,
    "GreaterThanOrEqualToThreshold": lambda value, threshold: value >= threshold,
    "LessThanThreshold": lambda value, threshold: value < threshold,
    "LessThanOrEqualToThreshold": lambda value, threshold: value <= threshold,
}


def period_values(
    metric: Mapping[str, Any], namespace: str, stat: str, period: int, starts: list[dt.datetime]
) -> list[float | None]:
    values: list[float | None] = []
    dimensions = [{"Name": k, "Value": v} for k, v in metric["dimensions"].items()]
    for start in starts:
        end = start + dt.timedelta(seconds=period)
        if stat.startswith("p"):
            values.append(_percentile(metric, namespace, float(stat[1:]), start, end))
            continue
        request: dict[str, Any] = {
            "Namespace": namespace, "MetricName": metric["metricName"], "Dimensions": dimensions,
            "StartTime": start, "EndTime": end, "Period": period, "Statistics": [stat],
            "Unit": metric["unit"],
        }  # fmt: skip
        points: list[dict[str, Any]] = cloudwatch().get_metric_statistics(**request)["Datapoints"]  # type: ignore[assignment]
        values.append(float(points[0][stat]) if points else None)
    return values


def _percentile(
    metric: Mapping[str, Any], namespace: str, percent: float, start: dt.datetime, end: dt.datetime
) -> float | None:
    backend = cloudwatch_backends[MOTO_ACCOUNT]["eu-central-2"]
    wanted = sorted(metric["dimensions"].items())
    values = sorted(
        datum.value
        for datum in backend.metric_data
        if isinstance(datum, MetricDatum)
        and datum.namespace == namespace
        and datum.name == metric["metricName"]
        and start <= _utc(datum.timestamp) < end
        and sorted((d.name, d.value) for d in datum.dimensions) == wanted
    )
    if not values:
        return None
    return values[max(0, math.ceil(percent / 100 * len(values)) - 1)]


def _utc(moment: dt.datetime) -> dt.datetime:
    """moto keeps the timestamp as the request gave it: naive ones are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def evaluate_expression(expression: str, variables: Mapping[str, float]) -> float:
    """CloudWatch metric math, as far as the alarms use it: numbers, ids, + - * /,
    comparisons, and IF(condition, then, else) evaluated lazily."""

    def value(node: ast.expr) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.Name):
            return variables[node.id]
        if isinstance(node, ast.BinOp):
            left, right = value(node.left), value(node.right)
            operations = {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right}
            if isinstance(node.op, ast.Div):
                return left / right
            return operations[type(node.op)]
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = value(node.left), value(node.comparators[0])
            compare = {ast.Gt: left > right, ast.Lt: left < right, ast.GtE: left >= right}
            return float(compare[type(node.ops[0])])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "IF":
            condition, then, otherwise = node.args
            return value(then) if value(condition) else value(otherwise)
        raise ValueError(f"metric math the evaluator does not know: {ast.dump(node)}")

    return value(ast.parse(expression, mode="eval").body)


def evaluate(alarm: Alarm, namespace: str, end: dt.datetime) -> str:
    """`ALARM` or `OK` for the evaluation periods that end at `end`."""
    periods = int(alarm["evaluationPeriods"])
    if "metricQueries" in alarm:
        queries = alarm["metricQueries"]
        period = int(next(q["metric"]["period"] for q in queries if "metric" in q))
        starts = [end - dt.timedelta(seconds=period * (periods - i)) for i in range(periods)]
        series = {
            q["id"]: period_values(q["metric"], namespace, q["metric"]["stat"], period, starts)
            for q in queries
            if "metric" in q
        }
        (result,) = [q for q in queries if q.get("returnData")]
        values: list[float | None] = []
        for index in range(periods):
            point = {name: column[index] for name, column in series.items()}
            if all(v is None for v in point.values()):
                values.append(None)
            else:
                known = {name: v or 0.0 for name, v in point.items()}
                values.append(evaluate_expression(result["expression"], known))
    else:
        period = int(alarm["period"])
        starts = [end - dt.timedelta(seconds=period * (periods - i)) for i in range(periods)]
        stat = alarm.get("extendedStatistic") or alarm["statistic"]
        metric = {k: alarm[k] for k in ("metricName", "dimensions", "unit")}
        values = period_values(metric, namespace, stat, period, starts)
    breaches = COMPARISONS[alarm["comparisonOperator"]]
    missing_breaches = alarm.get("treatMissingData") == "breaching"
    breaching = sum(
        missing_breaches if value is None else breaches(value, float(alarm["threshold"]))
        for value in values
    )
    return "ALARM" if breaching >= int(alarm["datapointsToAlarm"]) else "OK"

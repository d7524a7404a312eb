"""The seed's alert rules as CloudWatch alarms, notifying SNS topics by e-mail.

Each recipient is a topic of its own with one e-mail subscription, so that a
person is subscribed once however many rules page them; each alarm sends its
ALARM and OK notifications to the topics of its recipients. The metric names,
units and dimensions come from `app.metric_catalog`, which the app's emitter
uses too.
"""

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from app import metric_catalog as catalog

MINUTE = 60


@dataclass(frozen=True, kw_only=True)
class AlertRule:
    name: str
    """One of the seed's rules: high_error_rate, slow_contract_creation, low_disk_space,
    payment_failures."""
    threshold: float
    """Alarm above this value (percent, or seconds for slow_contract_creation)."""
    minutes: int
    """How long the condition must hold."""
    severity: str
    """critical or warning: in the alarm's name, description and tags."""
    recipients: Sequence[str]
    """E-mail addresses notified on ALARM and on OK."""


@dataclass(frozen=True, kw_only=True)
class AlertsArgs:
    region: str
    """AWS region of the alarms and topics (where the app publishes its metrics)."""
    namespace: str
    """CloudWatch namespace of this environment's metrics."""
    rules: Sequence[AlertRule]
    """The enabled rules; a rule switched off in the settings is simply not here."""
    tags: Mapping[str, str]
    """Tags on every alarm and topic."""


class Alerts(pulumi.ComponentResource):
    alarms: dict[str, aws.cloudwatch.MetricAlarm]
    topics: dict[str, aws.sns.Topic]

    def __init__(
        self, name: str, args: AlertsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:Alerts", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        recipients = sorted({address for rule in args.rules for address in rule.recipients})
        self.topics = {}
        for address in recipients:
            topic = aws.sns.Topic(
                f"{name}-{_slug(address)}",
                region=args.region,
                # SNS's own key: notifications are encrypted at rest at no key cost.
                kms_master_key_id="alias/aws/sns",
                tags=dict(args.tags),
                opts=child,
            )
            aws.sns.TopicSubscription(
                f"{name}-{_slug(address)}",
                region=args.region,
                topic=topic.arn,
                protocol="email",
                endpoint=address,
                opts=child,
            )
            self.topics[address] = topic
        self.alarms = {}
        for rule in args.rules:
            actions = [self.topics[address].arn for address in rule.recipients]
            self.alarms[rule.name] = aws.cloudwatch.MetricAlarm(
                f"{name}-{rule.name.replace('_', '-')}",
                region=args.region,
                alarm_description=f"[{rule.severity}] {DESCRIPTIONS[rule.name]}",
                comparison_operator="GreaterThanThreshold",
                threshold=rule.threshold,
                alarm_actions=actions,
                ok_actions=actions,
                tags={**args.tags, "severity": rule.severity},
                opts=child,
                **SHAPES[rule.name](args.namespace, rule.minutes),
            )
        self.register_outputs({"topics": {a: t.arn for a, t in self.topics.items()}})


def _error_rate(namespace: str, minutes: int) -> dict[str, Any]:
    # No traffic is no error: a quiet minute must not page anyone.
    return _rate(namespace, minutes, catalog.ERRORS, catalog.REQUESTS, "Error rate (%)")


def _payment_failure_rate(namespace: str, minutes: int) -> dict[str, Any]:
    # No payment attempted is no payment failed.
    return _rate(
        namespace,
        minutes,
        catalog.PAYMENT_FAILURES,
        catalog.PAYMENT_ATTEMPTS,
        "Payment failure rate (%)",
    )


def _slow_contract_creation(namespace: str, minutes: int) -> dict[str, Any]:
    metric = catalog.CONTRACT_CREATION_TIME
    return {
        **_single(namespace, metric, MINUTE, minutes),
        "extended_statistic": "p95",
        # No contract created is nothing slow.
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
    minutes: int,
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
                "period": MINUTE,
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
        "evaluation_periods": minutes,
        "datapoints_to_alarm": minutes,
        "treat_missing_data": "notBreaching",
    }


SHAPES: dict[str, Callable[[str, int], dict[str, Any]]] = {
    "high_error_rate": _error_rate,
    "slow_contract_creation": _slow_contract_creation,
    "low_disk_space": _low_disk_space,
    "payment_failures": _payment_failure_rate,
}
DESCRIPTIONS = {
    "high_error_rate": "More than the threshold's percentage of requests failed.",
    "slow_contract_creation": "95th percentile of contract creation time above the threshold.",
    "low_disk_space": "Database disk usage above the threshold's percentage.",
    "payment_failures": "More than the threshold's percentage of payment attempts failed.",
}


def _slug(address: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", address.lower()).strip("-")

"""Alerts built alone from its args, on the mock engine: one alarm per rule, what it
watches as wiring gives it, and its recipients' topics."""

import dataclasses
from typing import Any

import pulumi
import pytest

from components.alerts import AlertRule, Alerts, AlertsArgs
from stacks.alert_rules import AlertKind
from stacks.alert_watches import watch

NAMESPACE = "CRMS/test"


def rule(kind: AlertKind, recipients: list[str], minutes: int = 10) -> AlertRule:
    return AlertRule(
        name=kind.key,
        description=kind.description,
        source=kind.source,
        watch=watch(kind, NAMESPACE, minutes),
        threshold=5,
        severity="critical",
        recipients=recipients,
    )


@pytest.mark.usefixtures("mocks")
@pulumi.runtime.test
def test_an_alarm_per_rule_notifying_its_recipients_topics() -> pulumi.Output[None]:
    alerts = Alerts(
        "alerts",
        AlertsArgs(
            region="eu-central-2",
            rules=[
                rule(AlertKind.LOW_DISK_SPACE, ["ops@crms.ch"]),
                rule(AlertKind.DRAIN_SILENCE, ["ops@crms.ch", "oncall@crms.ch"]),
            ],
            tags={"project": "crms"},
            protect=False,
        ),
    )
    assert sorted(alerts.alarms) == ["drain_silence", "low_disk_space"]
    assert sorted(alerts.topics) == ["oncall@crms.ch", "ops@crms.ch"]
    assert alerts.sources == {
        "low_disk_space": AlertKind.LOW_DISK_SPACE.source,
        "drain_silence": AlertKind.DRAIN_SILENCE.source,
    }
    disk, silence = alerts.alarms["low_disk_space"], alerts.alarms["drain_silence"]

    def check(args: list[Any]) -> None:
        (disk_actions, disk_ok, disk_period, disk_missing, silence_actions, silence_operator,
         description, ops_topic, oncall_topic) = args  # fmt: skip
        assert disk_actions == disk_ok == [ops_topic]
        assert sorted(silence_actions) == sorted([ops_topic, oncall_topic])
        # What the rule's kind says the alarm watches, not a default of the component.
        assert (disk_period, disk_missing) == (300, "breaching")
        assert silence_operator == "LessThanThreshold"
        assert description == f"[critical] {AlertKind.LOW_DISK_SPACE.description}"

    return pulumi.Output.all(
        disk.alarm_actions,
        disk.ok_actions,
        disk.period,
        disk.treat_missing_data,
        silence.alarm_actions,
        silence.comparison_operator,
        disk.alarm_description,
        alerts.topics["ops@crms.ch"].arn,
        alerts.topics["oncall@crms.ch"].arn,
    ).apply(check)


@pytest.mark.usefixtures("mocks")
@pulumi.runtime.test
def test_the_high_error_rate_alarm_names_the_sentry_issues_to_look_at() -> pulumi.Output[None]:
    issues = pulumi.Output.from_input("https://crms-swiss.sentry.io/issues/?project=7")
    high = dataclasses.replace(rule(AlertKind.HIGH_ERROR_RATE, ["oncall@crms.ch"]), look_at=issues)
    alerts = Alerts(
        "alerts",
        AlertsArgs(region="eu-central-2", rules=[high], tags={"project": "crms"}, protect=False),
    )

    def check(description: str | None) -> None:
        assert description == (
            f"[critical] {AlertKind.HIGH_ERROR_RATE.description} "
            "Look at: https://crms-swiss.sentry.io/issues/?project=7"
        )

    return alerts.alarms["high_error_rate"].alarm_description.apply(check)

"""Alerts on mocks: the prod alarms are the seed's table plus the drain's heartbeat, every
alarm notifies, and the topics are under a key CloudWatch may use."""

from typing import Any

import pytest

from app import metric_catalog as catalog
from tests.conftest import STACKS
from tests.helpers import by_name, inputs_of, outputs_of, plan_of, policy_document, resources

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
# The seed's monitoring/alerts.yml: name -> (threshold, minutes, severity, recipients).
SEED = {
    "high-error-rate": (1, 5, "critical", ["oncall@crms.ch"]),
    "slow-contract-creation": (5, 10, "warning", ["dev-team@crms.ch"]),
    "low-disk-space": (80, 15, "warning", ["ops@crms.ch"]),
    "payment-failures": (5, 5, "critical", ["finance@crms.ch", "oncall@crms.ch"]),
}


def alarms(stack: str) -> dict[str, dict[str, Any]]:
    return {name.removeprefix("alerts-"): inputs_of(r) for name, r in by_name(stack, ALARM).items()}


def topic_recipients(stack: str, topic_arns: list[str]) -> list[str]:
    subscriptions = resources(stack, "aws:sns/topicSubscription:TopicSubscription")
    by_topic = {inputs_of(s)["topic"]: inputs_of(s)["endpoint"] for s in subscriptions}
    return sorted(by_topic[arn] for arn in topic_arns)


def covered_minutes(alarm: dict[str, Any]) -> int:
    period = alarm.get("period") or alarm["metricQueries"][0]["metric"]["period"]
    return int(period * alarm["evaluationPeriods"] / 60)


def test_prod_alarms_are_the_seed_table() -> None:
    prod = alarms("prod")
    assert set(prod) == {*SEED, "drain-silence"}
    for name, (threshold, minutes, severity, recipients) in SEED.items():
        alarm = prod[name]
        assert alarm["threshold"] == threshold, name
        assert covered_minutes(alarm) == minutes, name
        assert alarm["datapointsToAlarm"] == alarm["evaluationPeriods"], name
        assert alarm["comparisonOperator"] == "GreaterThanThreshold"
        assert alarm["tags"]["severity"] == severity
        assert alarm["alarmDescription"].startswith(f"[{severity}]")
        assert topic_recipients("prod", alarm["alarmActions"]) == recipients
        assert alarm["okActions"] == alarm["alarmActions"]


def test_statistics_are_the_seeds_meaning() -> None:
    prod = alarms("prod")
    rate = prod["high-error-rate"]["metricQueries"]
    assert [q["id"] for q in rate] == ["failures", "attempts", "rate"]
    assert rate[0]["metric"]["metricName"] == catalog.ERRORS.name
    assert rate[1]["metric"]["metricName"] == catalog.REQUESTS.name
    assert rate[2]["expression"] == "IF(attempts > 0, 100 * failures / attempts, 0)"
    assert [q["returnData"] for q in rate] == [False, False, True]
    slow = prod["slow-contract-creation"]
    assert (slow["extendedStatistic"], slow["metricName"]) == ("p95", "ContractCreationTime")
    disk = prod["low-disk-space"]
    assert (disk["statistic"], disk["metricName"], disk["unit"]) == (
        "Maximum", "DatabaseDiskUsage", "Percent",
    )  # fmt: skip
    payments = prod["payment-failures"]["metricQueries"]
    assert payments[0]["metric"]["metricName"] == catalog.PAYMENT_FAILURES.name
    # One datapoint per cron window: a one-minute period would leave 4 of 5 minutes empty.
    assert payments[0]["metric"]["period"] == catalog.PAYMENT_WINDOW_SECONDS


def test_a_silent_drain_pages_ops_in_prod() -> None:
    silence = alarms("prod")["drain-silence"]
    assert (silence["metricName"], silence["statistic"]) == ("DrainDeliveries", "Sum")
    assert silence["comparisonOperator"] == "LessThanThreshold"
    assert (silence["threshold"], silence["period"], silence["evaluationPeriods"]) == (1, 3600, 1)
    assert silence["treatMissingData"] == "breaching"
    assert topic_recipients("prod", silence["alarmActions"]) == ["ops@crms.ch"]
    assert "drain-silence" not in alarms("dev")


def test_missing_data_is_treated_deliberately() -> None:
    prod = alarms("prod")
    assert prod["low-disk-space"]["treatMissingData"] == "breaching"
    assert prod["drain-silence"]["treatMissingData"] == "breaching"
    for name in ("high-error-rate", "slow-contract-creation", "payment-failures"):
        assert prod[name]["treatMissingData"] == "notBreaching"


@pytest.mark.parametrize("stack", STACKS)
def test_every_alarm_has_actions_and_every_recipient_a_topic(stack: str) -> None:
    for name, alarm in alarms(stack).items():
        assert alarm["alarmActions"], name
        assert alarm["region"] == "eu-central-2"
        assert alarm["namespace" if "namespace" in alarm else "metricQueries"]
    topics = resources(stack, "aws:sns/topic:Topic")
    subscriptions = resources(stack, "aws:sns/topicSubscription:TopicSubscription")
    assert len(topics) == len(subscriptions)
    assert all(inputs_of(s)["protocol"] == "email" for s in subscriptions)
    key_arn = "arn:aws:kms:eu-central-2:123456789012:alerts-topics-key"  # the mock's ARN
    assert all(inputs_of(t)["kmsMasterKeyId"] == key_arn for t in topics)


@pytest.mark.parametrize("stack", STACKS)
def test_the_topics_key_lets_cloudwatch_alarms_publish_and_no_one_else(stack: str) -> None:
    key = by_name(stack, "aws:kms/key:Key")["alerts-topics-key"]
    assert inputs_of(key)["enableKeyRotation"] is True
    assert key["protect"] is (stack != "dev")  # crms:protectStatefulResources
    by_sid = {s["Sid"]: s for s in policy_document(key)["Statement"]}
    assert set(by_sid) == {"AccountAdministersTheKey", "CloudWatchAlarmsPublishToTheTopics"}
    root = by_sid["AccountAdministersTheKey"]
    assert root["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    cloudwatch = by_sid["CloudWatchAlarmsPublishToTheTopics"]
    assert cloudwatch["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert sorted(cloudwatch["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert cloudwatch["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:eu-central-2:123456789012:alarm:*"},
    }


def test_the_stack_says_which_source_feeds_each_alarm() -> None:
    sources = outputs_of(plan_of("prod"))["alarmSources"]
    assert set(sources) == {name.replace("-", "_") for name in alarms("prod")}
    assert "/api/drain/logs" in sources["high_error_rate"]
    assert "/api/drain/traces" in sources["slow_contract_creation"]
    assert "payments" in sources["payment_failures"]


def test_a_rule_switched_off_has_no_alarm() -> None:
    assert "payment-failures" not in alarms("dev")
    assert set(alarms("staging")) == set(SEED)

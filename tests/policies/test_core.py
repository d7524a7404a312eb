"""The shape of a rule: one kind of check each, and the policy SDK's severities."""

import datetime as dt

import pulumi_policy
import pytest
from crms_rules.all_rules import ALL_RULES
from crms_rules.core import Resource, ResourceRule, Severity, StackRule, Violation, evaluate
from crms_rules.pack import to_policy

ALARM = Resource("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", "urn:alarm", {})


def test_severities_are_the_policy_sdks() -> None:
    assert {severity.value for severity in Severity} == {
        severity.value for severity in pulumi_policy.Severity
    }


def test_a_rule_has_exactly_one_check() -> None:
    with pytest.raises(TypeError, match="check"):
        ResourceRule(  # type: ignore[call-arg]
            name="no-check", description="d", severity=Severity.LOW, remediation="r"
        )
    with pytest.raises(TypeError, match="stack_check"):
        StackRule(  # type: ignore[call-arg]
            name="two-checks",
            description="d",
            severity=Severity.LOW,
            remediation="r",
            check=lambda _resources, _config: [],
            stack_check=lambda _resources, _config: [],
        )


def test_each_kind_of_rule_becomes_its_kind_of_policy() -> None:
    kinds = {
        type(rule): type(to_policy(rule)) for rule in ALL_RULES
    }  # both kinds occur in the pack
    assert kinds == {
        ResourceRule: pulumi_policy.ResourceValidationPolicy,
        StackRule: pulumi_policy.StackValidationPolicy,
    }


def test_a_resource_rule_sees_each_resource_and_a_stack_rule_all() -> None:
    per_resource = ResourceRule(
        name="r", description="d", severity=Severity.LOW, remediation="r",
        check=lambda resource, config: [f"{resource.name} {config['word']}"],
        defaults={"word": "seen"},
    )  # fmt: skip
    whole_stack = StackRule(
        name="s", description="d", severity=Severity.LOW, remediation="r",
        check=lambda resources, _config: [Violation(f"{len(resources)} resources")],
    )  # fmt: skip
    today = dt.date(2026, 11, 25)
    assert [v.message for v in evaluate(per_resource, [ALARM, ALARM], {}, today)] == [
        "alarm seen",
        "alarm seen",
    ]
    assert [v.message for v in evaluate(whole_stack, [ALARM, ALARM], {}, today)] == ["2 resources"]

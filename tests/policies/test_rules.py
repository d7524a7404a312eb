"""The pack as a whole: its rules, each compliant on every real stack, and a value unknown
at preview reported rather than passed. Each rule module's own failures are tested in
test_<module>_rules.py."""

import dataclasses
from pathlib import Path

import pytest
from crms_rules.all_rules import ALL_RULES
from crms_rules.core import Resource
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from tests.conftest import STACKS
from tests.policies.views import RULES, rule_config, stack_view, violations


def test_the_packs_rules_are_these() -> None:
    assert sorted(RULES) == [
        "alarm-topics-deliverable", "alarms-have-actions", "alarms-seed-rules", "cost-budget",
        "iam-no-aws-managed-policies", "iam-no-wildcard-action", "iam-no-wildcard-resource",
        "iam-oidc-trust-constrained", "iam-trust-named-principals",
        "kms-explicit-key-policy", "kms-key-rotation",
        "previews-protected", "previews-without-production-secrets",
        "processors-declared", "processors-sentry-replays-eu",
        "protect-stateful",
        "residency-buckets-zurich", "residency-database-zurich", "residency-drains-own-endpoint",
        "residency-service-regions",
        "s3-access-logging", "s3-acls-disabled", "s3-backups-object-lock", "s3-encryption",
        "s3-log-retention", "s3-public-access-block", "s3-tls-only", "s3-versioning",
        "secrets-plain-outputs", "secrets-vercel-env-sensitive", "sns-topic-encrypted",
        "stripe-live-mode-production-only",
        "supabase-auth-checklist", "supabase-auth-custom-smtp",
        "supabase-auth-site-url", "supabase-configuration-managed",
        "supabase-data-api-internal-schemas", "supabase-network-restricted",
        "supabase-pitr-enabled", "supabase-ssl-enforced", "tags-required",
    ]  # fmt: skip
    for rule in ALL_RULES:
        assert rule.description
        assert rule.remediation


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_stack_complies(stack: str, rule: str) -> None:
    config = rule_config(stack, rule)
    if config is None:
        pytest.skip(f"{rule} is disabled for {stack} by policies/config.{stack}.json")
    assert violations(rule, stack_view(stack), config) == []


READS_ONLY_KNOWN_VALUES = {
    "alarms-seed-rules",
    "protect-stateful",
    "supabase-configuration-managed",
}
NOTHING_TO_READ_IN_PROD = {"iam-no-aws-managed-policies"}
"""Prod sets no managed policy nor attachment: an all-unknown prod leaves the rule nothing
to read; its unknown case is a role whose managed policies are unknown (below)."""


def _all_unknown(view: tuple[Resource, ...]) -> list[Resource]:
    """Every property of every resource unknown, as at a first preview."""
    return [
        dataclasses.replace(
            r, props=unknown_checking_proxy(dict.fromkeys(r.props, UNKNOWN_STRING_VALUE))
        )
        for r in view
    ]


@pytest.mark.parametrize(
    "rule", sorted(set(RULES) - READS_ONLY_KNOWN_VALUES - NOTHING_TO_READ_IN_PROD)
)
def test_a_value_unknown_at_preview_is_reported_not_passed(rule: str) -> None:
    # The policy SDK turns this error into a "can't run policy during preview" report.
    with pytest.raises(UnknownValueError):
        violations(rule, _all_unknown(stack_view("prod")), rule_config("prod", rule))


def test_an_unknown_managed_policy_list_is_reported_not_passed() -> None:
    role = Resource(
        "aws:iam/role:Role",
        "r",
        "urn:r",
        unknown_checking_proxy({"managedPolicyArns": UNKNOWN_STRING_VALUE}),
    )
    with pytest.raises(UnknownValueError):
        violations("iam-no-aws-managed-policies", [role])


def test_every_rule_module_has_its_test_module() -> None:
    """Each test_<module>_rules.py holds every rule of its module to a failure case."""
    modules = {rule.check.__module__.removeprefix("crms_rules.") for rule in ALL_RULES}
    tests = {path.name for path in Path(__file__).parent.glob("test_*_rules.py")}
    assert tests == {f"test_{module}_rules.py" for module in modules}


def test_the_policy_page_counts_the_packs_rules() -> None:
    page = (Path(__file__).parents[2] / "docs" / "policies.md").read_text()
    assert len(ALL_RULES) == 41
    assert "Forty-one rules (below: the pack's own count), mandatory" in page

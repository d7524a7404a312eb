"""Resources as the rules see them, taken from a stack's recorded program run, and the
helpers every rule module's tests share."""

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from crms_rules.all_rules import ALL_RULES
from crms_rules.core import Resource, Rule, evaluate

from crms_infra.offline.engine import record_stack
from crms_infra.offline.sdk import rpc
from crms_infra.policy_config import read_policy_config
from tests.conftest import REPO

TODAY = dt.date(2026, 11, 25)


def _revealed(value: Any) -> Any:
    if rpc.is_rpc_secret(value):
        return _revealed(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {key: _revealed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_revealed(item) for item in value]
    return value


@functools.cache
def stack_view(stack: str) -> tuple[Resource, ...]:
    recording = record_stack(REPO, stack)
    # As the policy SDK links them: to the resources it is given, reads never among them.
    managed = {urn for urn, r in recording.monitor.registrations.items() if not r.read}
    view = []
    for urn, registration in sorted(recording.monitor.registrations.items()):
        request = registration.request
        if registration.read:
            continue  # the engine hands the pack no read (crms_infra/offline/monitor.py)
        state = recording.monitor.resources.get(urn)
        props = _revealed(state.state) if state is not None else {}
        if request.type == "pulumi:pulumi:Stack":
            props = recording.monitor.stack_outputs()  # as the analyzer is given them
        view.append(
            Resource(
                request.type,
                request.name,
                urn,
                props,
                request.protect,
                request.parent or None,
                tuple(urn for urn in request.dependencies if urn in managed),
                {
                    key: tuple(urn for urn in sources.urns if urn in managed)
                    for key, sources in request.propertyDependencies.items()
                },
            )
        )
    return tuple(view)


def named(resources: tuple[Resource, ...], name: str, type_: str) -> Resource:
    (found,) = [r for r in resources if r.name == name and r.type == type_]
    return found


def changed(resources: tuple[Resource, ...], name: str, type_: str, **props: Any) -> list[Resource]:
    """The view with one resource's properties changed (None removes a property)."""
    target = named(resources, name, type_)
    new_props = {k: v for k, v in {**target.props, **props}.items() if v is not None}
    return [replace(r, props=new_props) if r is target else r for r in resources]


def without(resources: tuple[Resource, ...], name: str, type_: str) -> list[Resource]:
    target = named(resources, name, type_)
    return [r for r in resources if r is not target]


RULES = {rule.name: rule for rule in ALL_RULES}
BUCKET = "aws:s3/bucket:Bucket"
PHOTOS = "storage-photos"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
REDIS = "upstash:index/redisDatabase:RedisDatabase"
SUPABASE = "pulumi-python:dynamic/supabase:Project"
PROJECT = "vercel:index/project:Project"
TOPIC = "aws:sns/topic:Topic"
KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
LOG_DRAIN = "vercel:index/logDrain:LogDrain"
TRACE_DRAIN = "vercel:index/traceDrain:TraceDrain"

Mutation = Callable[[tuple[Resource, ...]], Any]
Failure = tuple[str, Mutation, str]
"""A rule, how the prod stack is broken for it, and words of the violation."""
STACK_WIDE = {"alarms-seed-rules"}  # its violation names no resource: nothing to exempt


def rule_config(stack: str, rule: str) -> dict[str, Any] | None:
    """The rule's arguments in the stack, or None where the stack disables it."""
    config = read_policy_config(REPO / "policies", stack)
    return None if config.is_disabled(rule) else config.arguments_of(rule)


def violations(rule: str, resources: Any, config: dict[str, Any] | None = None) -> list[str]:
    return [v.message for v in evaluate(RULES[rule], list(resources), config or {}, TODAY)]


def rule_names(rules: list[Rule]) -> set[str]:
    return {rule.name for rule in rules}


def failure_ids(failures: list[Failure]) -> list[str]:
    return [f"{rule}-{index}" for index, (rule, _, _) in enumerate(failures)]


def first_failures(failures: list[Failure]) -> list[tuple[str, Mutation]]:
    """One way to break each rule whose violations name a resource (to exempt it)."""
    first = {rule: mutate for rule, mutate, _ in reversed(failures)}
    return sorted(
        ((rule, mutate) for rule, mutate in first.items() if rule not in STACK_WIDE),
        key=lambda pair: pair[0],
    )


def assert_fails(rule: str, mutate: Mutation, words: str) -> None:
    found = violations(rule, mutate(stack_view("prod")), rule_config("prod", rule))
    assert found, f"{rule} passed a broken stack"
    assert any(words in message for message in found), found


def broken(rule: str, mutate: Mutation) -> tuple[list[Resource], list[str]]:
    """The prod view broken for `rule`, and the URNs its violations name."""
    view = list(mutate(stack_view("prod")))
    config = rule_config("prod", rule) or {}
    return view, [v.urn or "" for v in evaluate(RULES[rule], view, config, TODAY)]


def exempting(rule: str, urns: list[str], reason: str, expires: str) -> dict[str, Any]:
    """The rule's prod config, with every given URN exempted."""
    config = dict(rule_config("prod", rule) or {})
    mine = [{"urn": urn, "reason": reason, "expires": expires} for urn in urns]
    config["exemptions"] = [*config.get("exemptions", []), *mine]
    return config


def assert_exemptions_hold(rule: str, mutate: Mutation) -> None:
    """An exemption with a reason waives the resource until it expires, and not after."""
    view, urns = broken(rule, mutate)
    assert urns
    reason = "Agreed with compliance until the migration."
    assert violations(rule, view, exempting(rule, urns, reason, "2027-01-31")) == []
    expired = violations(rule, view, exempting(rule, urns, reason, "2026-01-31"))
    assert len(expired) == len(urns)
    assert all("expired on 2026-01-31" in message for message in expired)


RuleTest = Callable[..., None]


def rule_case_tests(
    rules: list[Rule], failures: list[Failure]
) -> tuple[RuleTest, RuleTest, RuleTest]:
    """The three tests every rule module's failure table gets (cdk-nag's practice: each rule
    has numbered non-compliant cases): each case fails its rule with the words expected,
    every rule of the module has a case, and an exemption waives a case until it expires.
    A module binds them to its own names: `test_a, test_b, test_c = rule_case_tests(...)`."""

    @pytest.mark.parametrize(("rule", "mutate", "words"), failures, ids=failure_ids(failures))
    def each_way_a_rule_fails(rule: str, mutate: Mutation, words: str) -> None:
        assert_fails(rule, mutate, words)

    def every_rule_has_a_failure_case() -> None:
        assert {rule for rule, _, _ in failures} == rule_names(rules)

    @pytest.mark.parametrize(("rule", "mutate"), first_failures(failures))
    def an_exemption_waives_a_resource_until_it_expires(rule: str, mutate: Mutation) -> None:
        assert_exemptions_hold(rule, mutate)

    return (
        each_way_a_rule_fails,
        every_rule_has_a_failure_case,
        an_exemption_waives_a_resource_until_it_expires,
    )

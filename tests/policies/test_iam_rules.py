"""The rules of crms_rules/iam.py: each way each fails on the prod stack, and exemptions."""

import json
from typing import Any

import pytest
from crms_rules import iam
from crms_rules.core import Resource

from tests.policies.views import (
    ROLE_POLICY,
    Failure,
    Mutation,
    assert_exemptions_hold,
    assert_fails,
    changed,
    failure_ids,
    first_failures,
    named,
    rule_names,
)


def _policy(resources: tuple[Resource, ...], name: str, document: dict[str, Any]) -> list[Resource]:
    return changed(resources, name, ROLE_POLICY, policy=json.dumps(document))


def _app_policy_with(statement: dict[str, Any]) -> Mutation:
    return lambda view: _policy(
        view, "identity-app", {"Version": "2012-10-17", "Statement": [statement]}
    )


def _trust_with(condition: dict[str, Any]) -> Mutation:
    def mutate(view: tuple[Resource, ...]) -> list[Resource]:
        role = named(view, "identity-app", "aws:iam/role:Role")
        document = json.loads(role.props["assumeRolePolicy"])
        document["Statement"][0]["Condition"] = condition
        return changed(
            view, "identity-app", "aws:iam/role:Role", assumeRolePolicy=json.dumps(document)
        )

    return mutate


EVERYTHING_ON_EVERYTHING = {"Effect": "Allow", "Action": "*", "Resource": "*"}


FAILURES: list[Failure] = [
    ("iam-no-wildcard-action", _app_policy_with(EVERYTHING_ON_EVERYTHING), "wildcard action '*'"),
    (
        "iam-no-wildcard-action",
        _app_policy_with({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::x"}),
        "'s3:*'",
    ),
    (
        "iam-no-wildcard-resource-on-write",
        _app_policy_with({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}),
        "on every resource",
    ),
    ("iam-oidc-trust-constrained", _trust_with({}), "does not pin the token's aud"),
    (
        "iam-oidc-trust-constrained",
        _trust_with(
            {"StringEquals": {"oidc.vercel.com/t:aud": "x", "oidc.vercel.com/t:sub": "owner:t:*"}}
        ),
        "wildcard",
    ),
    (
        "iam-oidc-trust-constrained",
        _trust_with(
            {
                "StringEquals": {"oidc.vercel.com/t:aud": "x"},
                "StringLike": {"oidc.vercel.com/t:sub": "*"},
            }
        ),
        "sub",
    ),
]


@pytest.mark.parametrize(("rule", "mutate", "words"), FAILURES, ids=failure_ids(FAILURES))
def test_each_way_a_rule_fails(rule: str, mutate: Mutation, words: str) -> None:
    assert_fails(rule, mutate, words)


def test_every_rule_has_a_failure_case() -> None:
    assert {rule for rule, _, _ in FAILURES} == rule_names(iam.RULES)


@pytest.mark.parametrize(("rule", "mutate"), first_failures(FAILURES))
def test_an_exemption_waives_a_resource_until_it_expires(rule: str, mutate: Mutation) -> None:
    assert_exemptions_hold(rule, mutate)

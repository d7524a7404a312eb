"""The rules of crms_rules/iam.py: each way each fails on the prod stack, and exemptions."""

import json
from typing import Any

from crms_rules import iam
from crms_rules.core import Resource

from tests.policies.views import (
    ROLE_POLICY,
    Failure,
    Mutation,
    changed,
    named,
    rule_case_tests,
    stack_view,
    violations,
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


def _trust(principal: object) -> Mutation:
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }
    return lambda view: changed(
        view, "storage-replication", ROLE, assumeRolePolicy=json.dumps(document)
    )


def _allow(action: str, resource: str, **more: Any) -> Mutation:
    return _app_policy_with({"Effect": "Allow", "Action": action, "Resource": resource, **more})


EVERYTHING_ON_EVERYTHING = {"Effect": "Allow", "Action": "*", "Resource": "*"}
ROLE = "aws:iam/role:Role"
NAMESPACE = {"StringEquals": {"cloudwatch:namespace": "CRMS/production"}}


FAILURES: list[Failure] = [
    ("iam-no-wildcard-action", _app_policy_with(EVERYTHING_ON_EVERYTHING), "wildcard action '*'"),
    (
        "iam-no-wildcard-action",
        _app_policy_with({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::x"}),
        "'s3:*'",
    ),
    # cdk-nag IAM5: any wildcard in an action; this slipped through before issue 27.
    ("iam-no-wildcard-action", _allow("s3:Get*", "arn:aws:s3:::x/*"), "'s3:Get*'"),
    ("iam-no-wildcard-resource", _allow("s3:PutObject", "*"), "s3:PutObject on '*'"),
    # Shapes that slipped through before issue 27 (cdk-nag IAM5, Checkov CKV_AWS_355/290):
    ("iam-no-wildcard-resource", _allow("s3:GetObject", "*"), "s3:GetObject on '*'"),
    (
        "iam-no-wildcard-resource",
        _allow("s3:PutObject", "*", Condition=NAMESPACE),
        "s3:PutObject on '*'",
    ),
    ("iam-no-wildcard-resource", _allow("s3:ListBucket", "arn:aws:s3:::*"), "'arn:aws:s3:::*'"),
    (
        "iam-no-wildcard-resource",
        _allow("kms:Decrypt", "arn:aws:kms:eu-central-2:123456789012:key/*"),
        "key/*",
    ),
    (
        "iam-no-wildcard-resource",
        _allow("cloudwatch:PutMetricData", "*"),
        "cloudwatch:PutMetricData on '*'",
    ),
    (
        "iam-no-aws-managed-policies",
        lambda v: changed(
            v,
            "identity-app",
            ROLE,
            managedPolicyArns=["arn:aws:iam::aws:policy/AmazonS3FullAccess"],
        ),
        "AmazonS3FullAccess",
    ),
    ("iam-trust-named-principals", _trust({"AWS": "*"}), "lets '*' assume"),
    ("iam-trust-named-principals", _trust("*"), "lets '*' assume"),
    (
        "iam-trust-named-principals",
        _trust({"AWS": "arn:aws:iam::123456789012:root"}),
        "arn:aws:iam::123456789012:root",
    ),
    ("iam-trust-named-principals", _trust({"AWS": ["123456789012"]}), "'123456789012'"),
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


(
    test_each_way_a_rule_fails,
    test_every_rule_has_a_failure_case,
    test_an_exemption_waives_a_resource_until_it_expires,
) = rule_case_tests(iam.RULES, FAILURES)


def test_a_named_buckets_objects_and_a_namespaced_metric_are_allowed() -> None:
    view = stack_view("prod")
    for mutate in (
        _allow("s3:GetObject", "arn:aws:s3:::storage-photos-mock/*"),
        _allow("s3:PutObject", "arn:aws:s3:::storage-backups-mock/manifests/*"),
        _allow("cloudwatch:PutMetricData", "*", Condition=NAMESPACE),
    ):
        assert violations("iam-no-wildcard-resource", mutate(view)) == []

"""The rules of crms_rules/kms.py: each way each fails on the prod stack, and exemptions."""

import json

from crms_rules import kms

from tests.policies.views import (
    KEY,
    KEY_POLICY,
    Failure,
    changed,
    rule_case_tests,
    stack_view,
    violations,
    without,
)


def _grant_to_everyone(condition: dict[str, object] | None) -> str:
    statement = {
        "Sid": "Anyone",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["kms:Decrypt"],
        "Resource": "*",
    }
    return json.dumps(
        {"Statement": [{**statement, **({"Condition": condition} if condition else {})}]}
    )


FAILURES: list[Failure] = [
    # Checkov CKV_AWS_33: a grant to * without a condition; slipped through before issue 27.
    (
        "kms-explicit-key-policy",
        lambda v: changed(v, "storage-key-policy", KEY_POLICY, policy=_grant_to_everyone(None)),
        "grants kms:Decrypt to * without a condition",
    ),
    # cdk-nag KMS5, Checkov CKV_AWS_7.
    (
        "kms-key-rotation",
        lambda v: changed(v, "storage-key", KEY, enableKeyRotation=False),
        "does not rotate",
    ),
    (
        "kms-key-rotation",
        lambda v: changed(v, "alerts-topics-key", KEY, enableKeyRotation=None),
        "does not rotate",
    ),
    (
        "kms-explicit-key-policy",
        lambda v: without(v, "storage-photos-replica-key-policy", KEY_POLICY),
        "no explicit key policy",
    ),
    (
        "kms-explicit-key-policy",
        lambda v: changed(
            v,
            "storage-key-policy",
            KEY_POLICY,
            policy=json.dumps(
                {
                    "Statement": [
                        {
                            "Sid": "Everything",
                            "Effect": "Allow",
                            "Principal": {"AWS": ["arn:aws:iam::123456789012:role/app"]},
                            "Action": "kms:*",
                            "Resource": "*",
                        }
                    ]
                }
            ),
        ),
        "grants kms:* to arn:aws:iam::123456789012:role/app",
    ),
    (
        "kms-explicit-key-policy",
        lambda v: changed(
            v,
            "storage-replica-key",
            KEY,
            policy={"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}]},
        ),
        "grants * to * without a condition",
    ),
]


(
    test_each_way_a_rule_fails,
    test_every_rule_has_a_failure_case,
    test_an_exemption_waives_a_resource_until_it_expires,
) = rule_case_tests(kms.RULES, FAILURES)


def test_the_account_root_may_hold_every_kms_action() -> None:
    root_only = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ]
    }
    view = changed(stack_view("prod"), "storage-key-policy", KEY_POLICY, policy=root_only)
    assert violations("kms-explicit-key-policy", view) == []

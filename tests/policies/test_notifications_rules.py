"""The rules of crms_rules/notifications.py: each way each fails on prod, and exemptions."""

import json

from crms_rules import notifications
from crms_rules.core import Resource

from tests.policies.views import KEY, TOPIC, Failure, changed, named, rule_case_tests


def _key_policy_without(view: tuple[Resource, ...], action: str) -> str:
    """The alert topics' key policy with one action taken from CloudWatch's statement."""
    document = json.loads(named(view, "alerts-topics-key", KEY).props["policy"])
    for statement in document["Statement"]:
        if statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}:
            statement["Action"] = [a for a in statement["Action"] if a != action]
    return json.dumps(document)


FAILURES: list[Failure] = [
    # Checkov CKV_AWS_26 and cdk-nag SNS3; an unencrypted topic passed before issue 27.
    (
        "sns-topic-encrypted",
        lambda v: changed(v, "alerts-ops-crms-ch", TOPIC, kmsMasterKeyId=None),
        "not encrypted",
    ),
    (
        "sns-topic-encrypted",
        lambda v: changed(v, "alerts-ops-crms-ch", TOPIC, kmsMasterKeyId="alias/aws/sns"),
        "AWS-managed key alias/aws/sns",
    ),
    (
        "alarm-topics-deliverable",
        lambda v: changed(v, "alerts-oncall-crms-ch", TOPIC, kmsMasterKeyId="alias/aws/sns"),
        "AWS-managed key alias/aws/sns: CloudWatch cannot publish",
    ),
    (
        "alarm-topics-deliverable",
        lambda v: changed(
            v,
            "alerts-ops-crms-ch",
            TOPIC,
            kmsMasterKeyId="arn:aws:kms:eu-central-2:123456789012:alias/aws/sns",
        ),
        "AWS-managed key",
    ),
    (
        "alarm-topics-deliverable",
        lambda v: changed(
            v, "alerts-topics-key", KEY, policy=_key_policy_without(v, "kms:GenerateDataKey*")
        ),
        "does not let cloudwatch.amazonaws.com use it",
    ),
    (
        "alarm-topics-deliverable",
        lambda v: changed(v, "alerts-topics-key", KEY, policy=None),
        "does not let cloudwatch.amazonaws.com use it",
    ),
]


(
    test_each_way_a_rule_fails,
    test_every_rule_has_a_failure_case,
    test_an_exemption_waives_a_resource_until_it_expires,
) = rule_case_tests(notifications.RULES, FAILURES)

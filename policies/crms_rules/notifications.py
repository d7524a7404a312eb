"""Notifications: an alarm's SNS topics must be ones CloudWatch can publish to.

CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed key
`alias/aws/sns`: its key policy cannot be edited to let cloudwatch.amazonaws.com
use it. A topic under a customer-managed key works only if that key's policy
grants cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*
(https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html, "Enable
compatibility between event sources from AWS services and encrypted topics").
The alarm deploys either way; only its notifications are lost.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from crms_rules.core import (
    Resource,
    ResourceRule,
    Rule,
    Severity,
    StackRule,
    Violation,
    as_list,
    of_type,
    policy_document,
    statements,
)

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
ACTIONS = ("alarmActions", "okActions", "insufficientDataActions")
CLOUDWATCH = "cloudwatch.amazonaws.com"
NEEDED = ("kms:Decrypt", "kms:GenerateDataKey")


def aws_managed(key_reference: str) -> bool:
    """`alias/aws/...` (or its ARN) names a key AWS manages: AWS reserves the prefix."""
    return key_reference.startswith("alias/aws/") or ":alias/aws/" in key_reference


def _keys(resources: Sequence[Resource]) -> dict[str, Resource]:
    """Each key of the stack by every way a topic may name it: ARN, ID, alias."""
    found: dict[str, Resource] = {}
    for key in of_type(resources, KEY):
        for reference in (key.props.get("arn"), key.props.get("keyId"), key.props.get("id")):
            if reference:
                found[str(reference)] = key
    for alias in of_type(resources, ALIAS):
        target = found.get(str(alias.props.get("targetKeyId")))
        if target is not None:
            found[str(alias.props.get("name"))] = target
            found[str(alias.props.get("arn"))] = target
    return found


def _grants_cloudwatch(key: Resource) -> bool:
    granted: set[str] = set()
    for statement in statements(policy_document(key.props.get("policy") or "{}")):
        principal = statement.get("Principal")
        services = as_list(principal.get("Service")) if isinstance(principal, Mapping) else []
        if statement.get("Effect") == "Allow" and CLOUDWATCH in services:
            for action in as_list(statement.get("Action")):
                granted.update(n for n in NEEDED if str(action) in (n, f"{n}*", "kms:*"))
    return granted == set(NEEDED)


def alarm_topics_deliverable(
    resources: Sequence[Resource], _: Mapping[str, Any]
) -> Iterator[Violation]:
    topics = {str(t.props.get("arn")): t for t in of_type(resources, TOPIC)}
    keys = _keys(resources)
    for alarm in of_type(resources, ALARM):
        arns = sorted({str(arn) for name in ACTIONS for arn in as_list(alarm.props.get(name))})
        for arn in arns:
            topic = topics.get(arn)
            if topic is None:
                continue  # not this stack's topic (or not a topic): nothing to judge here
            key_reference = str(topic.props.get("kmsMasterKeyId") or "")
            if not key_reference:
                continue  # unencrypted: CloudWatch can publish (encryption is not this rule's)
            if aws_managed(key_reference):
                yield Violation(
                    f"notifies topic {topic.name}, encrypted with the AWS-managed key "
                    f"{key_reference}: CloudWatch cannot publish to it",
                    alarm.urn,
                )
                continue
            key = keys.get(key_reference)
            if key is not None and not _grants_cloudwatch(key):
                yield Violation(
                    f"notifies topic {topic.name}, whose key {key.name} does not let "
                    f"{CLOUDWATCH} use it (kms:Decrypt, kms:GenerateDataKey*)",
                    alarm.urn,
                )


def topic_encrypted(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    """Checkov CKV_AWS_26 (a key at all) and cdk-nag SNS3 (TLS-only publishing, which SSE
    enforces), stricter: a customer-managed key, since an alarm cannot publish through
    alias/aws/sns (above)."""
    if resource.type != TOPIC:
        return
    key = str(resource.props.get("kmsMasterKeyId") or "")
    if not key:
        yield "the topic is not encrypted (kmsMasterKeyId)"
    elif aws_managed(key):
        yield f"the topic is encrypted with the AWS-managed key {key}, not a customer-managed one"


RULES: list[Rule] = [
    StackRule(
        name="alarm-topics-deliverable",
        description=(
            "An alarm's SNS topics use a key CloudWatch may use, never the AWS-managed "
            "alias/aws/sns."
        ),
        severity=Severity.HIGH,
        remediation=(
            "Encrypt the topic with a customer-managed aws.kms.Key whose policy allows "
            "cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (components/alerts.py)."
        ),
        check=alarm_topics_deliverable,
    ),
    ResourceRule(
        name="sns-topic-encrypted",
        description="Every SNS topic is encrypted with a customer-managed KMS key.",
        severity=Severity.HIGH,
        remediation="Give the topic kms_master_key_id of a customer-managed aws.kms.Key.",
        check=topic_encrypted,
    ),
]

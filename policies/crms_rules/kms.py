"""KMS: every key carries an explicit key policy that grants no one but the account all of KMS.

A key created without a policy gets AWS's default key policy, one statement giving the
account `kms:*` and delegating everything to IAM
(https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html). An
explicit policy is either the key's own `policy` or an `aws.kms.KeyPolicy` naming the
key by ID or ARN (pulumi-aws v7, sdk/python/pulumi_aws/kms/key_policy.py).
"""

import re
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

KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
EVERY_ACTION = {"*", "kms:*"}
# The account principal: its ARN, or the bare account ID a key policy may also use.
ACCOUNT_ROOT = re.compile(r"^(arn:aws[\w-]*:iam::\d{12}:root|\d{12})$")


def _principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return [str(principal)]  # "*" (everyone), or a missing principal
    return [str(value) for values in principal.values() for value in as_list(values)]


def _overbroad(document: Any) -> Iterator[str]:
    """kms:* to anyone but the account root; and, as Checkov's CKV_AWS_33, any grant to the
    principal `*` without a condition (cdk-nag has no key-policy rule)."""
    for statement in statements(policy_document(document)):
        if statement.get("Effect") != "Allow":
            continue
        sid = statement.get("Sid", "(no Sid)")
        actions = {str(action) for action in as_list(statement.get("Action"))}
        principals = _principals(statement)
        if "*" in principals and not statement.get("Condition"):
            yield f"statement {sid} grants {', '.join(sorted(actions))} to * without a condition"
        elif actions & EVERY_ACTION:
            for principal in principals:
                if not ACCOUNT_ROOT.match(principal):
                    yield f"statement {sid} grants kms:* to {principal}"


def explicit_key_policies(
    resources: Sequence[Resource], _: Mapping[str, Any]
) -> Iterator[Violation]:
    attached: dict[str, list[Any]] = {}
    for key_policy in of_type(resources, KEY_POLICY):
        attached.setdefault(str(key_policy.props.get("keyId")), []).append(
            key_policy.props.get("policy")
        )
    for key in of_type(resources, KEY):
        documents = [key.props.get("policy")] if key.props.get("policy") else []
        for reference in (key.props.get("keyId"), key.props.get("arn")):
            documents += attached.get(str(reference), []) if reference else []
        if not documents:
            yield Violation(
                "key has no explicit key policy: AWS's default grants the account kms:*",
                key.urn,
            )
        for document in documents:
            for message in _overbroad(document):
                yield Violation(f"key policy {message}", key.urn)


SYMMETRIC = "SYMMETRIC_DEFAULT"


def rotation(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    """cdk-nag KMS5 and Checkov CKV_AWS_7: a symmetric key (the default spec) rotates yearly;
    AWS rotates symmetric encryption keys only."""
    if resource.type != KEY:
        return
    spec = resource.props.get("customerMasterKeySpec") or SYMMETRIC
    if spec == SYMMETRIC and resource.props.get("enableKeyRotation") is not True:
        yield "the symmetric key does not rotate (enableKeyRotation)"


RULES: list[Rule] = [
    StackRule(
        name="kms-explicit-key-policy",
        description=(
            "Every KMS key has an explicit key policy, and no principal but the account "
            "root is granted kms:*."
        ),
        severity=Severity.HIGH,
        remediation=(
            "Give the key a policy (aws.kms.KeyPolicy or the key's policy argument, e.g. "
            "components.key_policy): administration for the account, named actions for users."
        ),
        check=explicit_key_policies,
    ),
    ResourceRule(
        name="kms-key-rotation",
        description="Every symmetric KMS key rotates automatically.",
        severity=Severity.MEDIUM,
        remediation="Set enable_key_rotation=True on the aws.kms.Key.",
        check=rotation,
    ),
]

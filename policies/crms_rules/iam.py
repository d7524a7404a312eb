"""IAM: least privilege, and trust only in named principals, web identities pinned exactly.

Each rule is at least as strict as cdk-nag's AwsSolutions-IAM4/IAM5 and Checkov's checks for
the same setting (cdklabs/cdk-nag src/rules/iam/; bridgecrewio/checkov
checkov/terraform/checks/resource/aws/IAM*.py); where they differ, the stricter holds.
"""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from crms_rules.core import (
    Resource,
    ResourceRule,
    Rule,
    Severity,
    as_list,
    policy_document,
    statements,
)

POLICY_TYPES = {
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/policy:Policy",
    "aws:iam/userPolicy:UserPolicy",
}
ROLE = "aws:iam/role:Role"
ATTACHMENTS = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
}
OBJECTS_OF_A_BUCKET = re.compile(r"^arn:aws[\w-]*:s3:::[a-z0-9][a-z0-9.-]*/([^*]*/)?\*$")
"""`arn:aws:s3:::<bucket>/*` (or `/<prefix>/*`): the objects of one named bucket, which no
ARN can list one by one; cdk-nag documents this as the suppression its IAM5 expects."""
NO_RESOURCE_TYPES = {"cloudwatch:PutMetricData"}
"""Actions that name no resource, so only "*" and a condition bound them (Service
Authorization Reference, Amazon CloudWatch: PutMetricData has no resource types and takes the
cloudwatch:namespace condition key). Checkov's cloudsplaining checks pass them likewise."""
ACCOUNT = re.compile(r"^(\d{12}|arn:aws[\w-]*:iam::\d{12}:root)$")


def _allowed(resource: Resource) -> list[Mapping[str, Any]]:
    if resource.type not in POLICY_TYPES:
        return []
    return [
        s
        for s in statements(policy_document(resource.props.get("policy")))
        if s.get("Effect") == "Allow"
    ]


def no_wildcard_action(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    """cdk-nag IAM5 (any `*` in an action, `s3:Get*` included), stricter than Checkov's
    CKV_AWS_63 (only the action `*`)."""
    for statement in _allowed(resource):
        for action in as_list(statement.get("Action")):
            if "*" in str(action):
                sid = statement.get("Sid", "(no Sid)")
                yield f"statement {sid} allows the wildcard action {action!r}"


def no_wildcard_resource(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    """cdk-nag IAM5 (any `*` in a resource) and Checkov CKV_AWS_355/CKV_AWS_290 (`*` for any
    action that can name a resource, read or write, whatever the condition), but for the
    objects of a named bucket and, with a condition, the actions that name no resource."""
    for statement in _allowed(resource):
        sid = statement.get("Sid", "(no Sid)")
        for target in as_list(statement.get("Resource")):
            target = str(target)
            if "*" not in target or OBJECTS_OF_A_BUCKET.match(target):
                continue
            actions = {str(action) for action in as_list(statement.get("Action"))}
            if target == "*" and actions <= NO_RESOURCE_TYPES and statement.get("Condition"):
                continue
            yield f"statement {sid} allows {', '.join(sorted(actions))} on {target!r}"


def no_aws_managed_policies(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    """cdk-nag IAM4: AWS managed policies grant what AWS decides, mostly on every resource."""
    arns = as_list(resource.props.get("managedPolicyArns")) if resource.type == ROLE else []
    if resource.type in ATTACHMENTS:
        arns = [resource.props.get("policyArn")]
    for arn in arns:
        if ":iam::aws:policy/" in str(arn):
            yield f"attaches the AWS managed policy {arn}"


def trust_named_principals(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    """Checkov CKV_AWS_60 (no AWS principal `*`) and CKV_AWS_61 (no whole account) in a role's
    trust: a service, a web identity provider or a named role only."""
    if resource.type != ROLE:
        return
    for statement in statements(policy_document(resource.props.get("assumeRolePolicy"))):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        assumers = (
            [principal] if not isinstance(principal, Mapping) else as_list(principal.get("AWS"))
        )
        for assumer in assumers:
            if assumer == "*" or ACCOUNT.match(str(assumer)):
                yield f"the trust lets {assumer!r} assume the role"


def oidc_trust_constrained(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    """Stricter than Checkov's CKV_AWS_358/393 (a GitHub `sub` without wildcards or abusable
    claims): every web identity, `aud` and `sub` both, pinned exactly."""
    if resource.type != ROLE:
        return
    for statement in statements(policy_document(resource.props.get("assumeRolePolicy"))):
        if "sts:AssumeRoleWithWebIdentity" not in as_list(statement.get("Action")):
            continue
        condition = statement.get("Condition") or {}
        exact = condition.get("StringEquals") or {}
        for claim in ("aud", "sub"):
            values = [v for k, v in exact.items() if k.endswith(f":{claim}")]
            if not values:
                yield f"web-identity trust does not pin the token's {claim} (StringEquals)"
            elif any("*" in str(value) for value in values):
                yield f"web-identity trust pins {claim} with a wildcard"
        if condition.get("StringLike"):
            yield "web-identity trust uses StringLike: wildcards let other projects in"


RULES: list[Rule] = [
    ResourceRule(
        name="iam-no-wildcard-action",
        description="No IAM permission names its actions with a wildcard.",
        severity=Severity.HIGH,
        remediation="List the exact actions the app needs.",
        check=no_wildcard_action,
    ),
    ResourceRule(
        name="iam-no-wildcard-resource",
        description=(
            "Permissions name their resources: no wildcard but a named bucket's objects, "
            "and * only for actions that name no resource, under a condition."
        ),
        severity=Severity.HIGH,
        remediation="Name the ARNs, or add a condition (such as cloudwatch:namespace).",
        check=no_wildcard_resource,
    ),
    ResourceRule(
        name="iam-no-aws-managed-policies",
        description="No role carries an AWS managed policy.",
        severity=Severity.MEDIUM,
        remediation="Write the role's own policy (aws.iam.RolePolicy) with the actions it uses.",
        check=no_aws_managed_policies,
    ),
    ResourceRule(
        name="iam-trust-named-principals",
        description="A role trusts services, web identities or named roles, never * or an account.",
        severity=Severity.CRITICAL,
        remediation="Name the service, the OIDC provider or the role that assumes it.",
        check=trust_named_principals,
    ),
    ResourceRule(
        name="iam-oidc-trust-constrained",
        description="Every OIDC trust pins the token's audience and subject exactly.",
        severity=Severity.CRITICAL,
        remediation="Pin <issuer>:aud and <issuer>:sub with StringEquals, without wildcards.",
        check=oidc_trust_constrained,
    ),
]

"""IAM: least privilege, and web-identity trust bound to one audience and one subject."""

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
READ_PREFIXES = ("Get", "List", "Describe", "Head")


def _permission_statements(resource: Resource) -> list[Mapping[str, Any]]:
    if resource.type not in POLICY_TYPES:
        return []
    return [
        s
        for s in statements(policy_document(resource.props.get("policy")))
        if s.get("Effect") == "Allow"
    ]


def no_wildcard_action(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    for statement in _permission_statements(resource):
        for action in as_list(statement.get("Action")):
            if action == "*" or str(action).endswith(":*"):
                sid = statement.get("Sid", "(no Sid)")
                yield f"statement {sid} allows the wildcard action {action!r}"


def no_wildcard_resource_on_write(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    for statement in _permission_statements(resource):
        if "*" not in as_list(statement.get("Resource")) or statement.get("Condition"):
            continue  # a condition (e.g. a metric namespace) is what narrows such actions
        writes = [
            a
            for a in as_list(statement.get("Action"))
            if not str(a).split(":")[-1].startswith(READ_PREFIXES)
        ]
        if writes:
            sid = statement.get("Sid", "(no Sid)")
            yield f"statement {sid} allows {', '.join(writes)} on every resource"


def oidc_trust_constrained(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type != "aws:iam/role:Role":
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
        description="No IAM permission grants every action of a service (or of all).",
        severity=Severity.HIGH,
        remediation="List the exact actions the app needs.",
        check=no_wildcard_action,
    ),
    ResourceRule(
        name="iam-no-wildcard-resource-on-write",
        description="Write actions name their resources, or a condition narrows them.",
        severity=Severity.HIGH,
        remediation="Name the ARNs, or add a condition (such as cloudwatch:namespace).",
        check=no_wildcard_resource_on_write,
    ),
    ResourceRule(
        name="iam-oidc-trust-constrained",
        description="Every OIDC trust pins the token's audience and subject exactly.",
        severity=Severity.CRITICAL,
        remediation="Pin <issuer>:aud and <issuer>:sub with StringEquals, without wildcards.",
        check=oidc_trust_constrained,
    ),
]

"""What a rule is, and the helpers rules share.

A rule is a pure validator with a name, a description, a severity and the
steps that fix a violation: a ResourceRule sees one resource, a StackRule all of
them (to relate a bucket to its configuration resources); each has one check. Rules read
the engine's camelCase property names, and a missing secure property counts as
non-compliant. Reading a value that is unknown at preview raises the policy
SDK's UnknownValueError, which the SDK reports as such instead of passing it.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

PROJECT_TAGS = ("project", "environment", "data-classification")


@dataclass(frozen=True)
class Resource:
    """A resource as the rules see it (built from the policy SDK's view or from a plan)."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    protect: bool = False
    parent: str | None = None
    dependencies: tuple[str, ...] = ()
    property_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """For each property, the URNs of the stack's resources its value comes from."""


@dataclass(frozen=True)
class Violation:
    message: str
    urn: str | None = None


ResourceCheck = Callable[[Resource, Mapping[str, Any]], Iterable[str]]
StackCheck = Callable[[Sequence[Resource], Mapping[str, Any]], Iterable[Violation]]


class Severity(StrEnum):
    """The policy SDK's severities (pulumi_policy.Severity), by the same values."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


@dataclass(frozen=True, kw_only=True)
class RuleSpec:
    """What every rule states: its name, what it checks, how grave a violation is, how to
    fix it, and its config keys."""

    name: str
    description: str
    severity: Severity
    remediation: str
    defaults: Mapping[str, Any] = field(default_factory=dict)
    """The rule's config keys and their defaults (a stack's policies/config.*.json overrides)."""


@dataclass(frozen=True, kw_only=True)
class ResourceRule(RuleSpec):
    """A rule that sees one resource at a time."""

    check: ResourceCheck


@dataclass(frozen=True, kw_only=True)
class StackRule(RuleSpec):
    """A rule that sees every resource of the stack (to relate one to another)."""

    check: StackCheck


Rule = ResourceRule | StackRule


def of_type(resources: Iterable[Resource], *types: str) -> Iterator[Resource]:
    return (resource for resource in resources if resource.type in types)


def policy_document(value: Any) -> Mapping[str, Any]:
    """An IAM or bucket policy, given as JSON text or as an object."""
    document = json.loads(value) if isinstance(value, str) else value
    return document if isinstance(document, Mapping) else {}


def statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return as_list(document.get("Statement", []))


def as_list(value: Any) -> list[Any]:
    """A value that may be one item or a list (the policy SDK hands lists as proxies)."""
    if value is None:
        return []
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        return [value]
    return list(value)


@dataclass(frozen=True)
class Exemption:
    urn: str
    reason: str
    expires: dt.date | None


def exemptions(config: Mapping[str, Any]) -> list[Exemption]:
    found = []
    for entry in config.get("exemptions", []) or []:
        expires = entry.get("expires")
        found.append(
            Exemption(
                urn=str(entry.get("urn", "")),
                reason=str(entry.get("reason", "")).strip(),
                expires=dt.date.fromisoformat(expires) if expires else None,
            )
        )
    return found


def apply_exemptions(
    violations: Iterable[Violation], config: Mapping[str, Any], today: dt.date
) -> list[Violation]:
    """Waive a violation only for an exemption of its resource with a reason and a future expiry."""
    by_urn = {exemption.urn: exemption for exemption in exemptions(config)}
    kept = []
    for violation in violations:
        exemption = by_urn.get(violation.urn or "")
        if exemption is None:
            kept.append(violation)
        elif not exemption.reason:
            kept.append(
                Violation(
                    f"{violation.message} (exemption rejected: it gives no reason)", violation.urn
                )
            )
        elif exemption.expires is None:
            kept.append(
                Violation(
                    f"{violation.message} (exemption rejected: it has no expiry date)",
                    violation.urn,
                )
            )
        elif exemption.expires < today:
            kept.append(
                Violation(
                    f"{violation.message} (exemption expired on {exemption.expires})", violation.urn
                )
            )
    return kept


def evaluate(
    rule: Rule, resources: Sequence[Resource], config: Mapping[str, Any], today: dt.date
) -> list[Violation]:
    """Every violation of `rule` over the resources, after exemptions: for tests and tools."""
    merged = {**rule.defaults, **config}
    found: list[Violation] = []
    if isinstance(rule, ResourceRule):
        for resource in resources:
            found.extend(
                Violation(message, resource.urn) for message in rule.check(resource, merged)
            )
    else:
        found.extend(rule.check(resources, merged))
    return apply_exemptions(found, merged, today)

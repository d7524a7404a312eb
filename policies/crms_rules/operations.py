"""Operations: alarms that notify, the seed's alarms in prod, protection, tags, and secrets."""

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from crms_rules.core import (
    PROJECT_TAGS,
    Resource,
    ResourceRule,
    Rule,
    Severity,
    StackRule,
    Violation,
    of_type,
)

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SEED_ALARMS = ("high-error-rate", "slow-contract-creation", "low-disk-space", "payment-failures")
STATEFUL = {
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "upstash:index/redisDatabase:RedisDatabase",
    "pulumi-python:dynamic/supabase:Project",
}
TAGGABLE = {
    "aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:iam/role:Role",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "aws:sns/topic:Topic", ALARM,
}  # fmt: skip
SECRET_LOOKING = [
    re.compile(p)
    for p in (
        r"sk_(live|test)_[0-9A-Za-z]{8,}",  # Stripe
        r"whsec_[0-9A-Za-z]{8,}",  # Stripe webhooks
        r"\bre_[0-9A-Za-z_]{16,}",  # Resend
        r"sbp_[0-9a-f]{16,}",  # Supabase access tokens
        r"\bAKIA[0-9A-Z]{16}\b",  # AWS access key IDs
        r"eyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{10,}\.",  # JWTs (Supabase keys)
        r"://[^/\s:@]+:[^/\s@]+@",  # credentials inside a URL
        r"^mock-[0-9a-f]{24}$",  # the offline engine's stand-in secrets
    )
]


def looks_secret(value: Any) -> bool:
    return isinstance(value, str) and any(pattern.search(value) for pattern in SECRET_LOOKING)


def alarm_has_actions(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type == ALARM and not resource.props.get("alarmActions"):
        yield "the alarm notifies no one (no alarm actions)"


def seed_alarms_present(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    names = {alarm.name for alarm in of_type(resources, ALARM)}
    for rule in SEED_ALARMS:
        if not any(name.endswith(rule) for name in names):
            yield Violation(f"the seed's alert rule {rule} has no alarm")


def stateful_protected(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type in STATEFUL and not resource.protect:
        yield "stateful resource is not protected"


def tagged(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type in TAGGABLE:
        tags = resource.props.get("tags") or {}
        missing = [tag for tag in PROJECT_TAGS if not tags.get(tag)]
        if missing:
            yield f"missing tags: {', '.join(missing)}"


def no_plain_secret_in_vercel_env(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type != "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable":
        return
    if resource.props.get("sensitive") is not True and looks_secret(resource.props.get("value")):
        yield f"{resource.props.get('key')} holds a secret-looking value but is not sensitive"


def no_secret_in_plain_outputs(
    resources: Sequence[Resource], _: Mapping[str, Any]
) -> Iterator[Violation]:
    for stack in of_type(resources, "pulumi:pulumi:Stack"):
        for name, value in stack.props.items():
            if looks_secret(value):
                yield Violation(
                    f"stack output {name} holds a secret-looking value in clear", stack.urn
                )


RULES: list[Rule] = [
    ResourceRule(
        name="alarms-have-actions",
        description="Every alarm notifies someone.",
        severity=Severity.MEDIUM,
        remediation="Give the alarm alarm_actions (the recipients' SNS topics).",
        check=alarm_has_actions,
    ),
    StackRule(
        name="alarms-seed-rules",
        description="The stack has an alarm for each of the seed's four alert rules.",
        severity=Severity.HIGH,
        remediation="Enable all four crms:alerts*Enabled keys in the stack's Pulumi.<stack>.yaml.",
        check=seed_alarms_present,
    ),
    ResourceRule(
        name="protect-stateful",
        description="Stateful resources are protected.",
        severity=Severity.HIGH,
        remediation="Set crms:protectStatefulResources true.",
        check=stateful_protected,
    ),
    ResourceRule(
        name="tags-required",
        description="Taggable AWS resources carry project, environment and data-classification.",
        severity=Severity.LOW,
        remediation="Pass the stack's tags (stacks.naming.tags) to the resource.",
        check=tagged,
    ),
    ResourceRule(
        name="secrets-vercel-env-sensitive",
        description="No secret-looking value in a non-sensitive Vercel variable.",
        severity=Severity.CRITICAL,
        remediation="Mark the variable sensitive (EnvVar(..., sensitive=True)).",
        check=no_plain_secret_in_vercel_env,
    ),
    StackRule(
        name="secrets-plain-outputs",
        description="No secret-looking value in a plain stack output.",
        severity=Severity.CRITICAL,
        remediation="Export it with pulumi.Output.secret, or do not export it.",
        check=no_secret_in_plain_outputs,
    ),
]

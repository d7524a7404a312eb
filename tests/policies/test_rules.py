"""Each rule: compliant on the real stacks, each way it fails (omissions included), a value
unknown at preview, and exemptions with a reason (waived) or expired (not)."""

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from crms_rules.all_rules import ALL_RULES
from crms_rules.core import Resource, Rule, Severity, evaluate
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from tests.conftest import REPO, STACKS
from tests.policies.views import TODAY, changed, named, stack_view, without

RULES = {rule.name: rule for rule in ALL_RULES}
BUCKET = "aws:s3/bucket:Bucket"
PHOTOS = "storage-photos"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
REDIS = "upstash:index/redisDatabase:RedisDatabase"
SUPABASE = "pulumi-python:dynamic/supabase:Project"
PROJECT = "vercel:index/project:Project"
TOPIC = "aws:sns/topic:Topic"
KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
LOG_DRAIN = "vercel:index/logDrain:LogDrain"
TRACE_DRAIN = "vercel:index/traceDrain:TraceDrain"


def stack_config(stack: str) -> dict[str, Any]:
    path = REPO / "policies" / f"config.{stack}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def rule_config(stack: str, rule: str) -> dict[str, Any] | None:
    """The rule's config in the stack, or None where the stack disables it."""
    value = stack_config(stack).get(rule, {})
    if value == "disabled" or (
        isinstance(value, dict) and value.get("enforcementLevel") == "disabled"
    ):
        return None
    return value if isinstance(value, dict) else {}


def violations(rule: str, resources: Any, config: dict[str, Any] | None = None) -> list[str]:
    return [v.message for v in evaluate(RULES[rule], list(resources), config or {}, TODAY)]


def test_the_packs_rules_are_these() -> None:
    assert sorted(RULES) == [
        "alarm-topics-deliverable", "alarms-have-actions", "alarms-seed-rules",
        "iam-no-wildcard-action",
        "iam-no-wildcard-resource-on-write", "iam-oidc-trust-constrained",
        "kms-explicit-key-policy", "protect-stateful",
        "residency-buckets-zurich", "residency-database-zurich", "residency-drains-own-endpoint",
        "residency-service-regions",
        "s3-access-logging", "s3-backups-object-lock", "s3-encryption", "s3-log-retention",
        "s3-public-access-block", "s3-tls-only", "s3-versioning", "secrets-plain-outputs",
        "secrets-vercel-env-sensitive", "tags-required",
    ]  # fmt: skip
    for rule in ALL_RULES:
        assert rule.description
        assert rule.remediation
        assert isinstance(rule.severity, Severity)


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_stack_complies(stack: str, rule: str) -> None:
    config = rule_config(stack, rule)
    if config is None:
        pytest.skip(f"{rule} is disabled for {stack} by policies/config.{stack}.json")
    assert violations(rule, stack_view(stack), config) == []


def _policy(resources: tuple[Resource, ...], name: str, document: dict[str, Any]) -> list[Resource]:
    return changed(resources, name, ROLE_POLICY, policy=json.dumps(document))


def _app_policy_with(statement: dict[str, Any]) -> Callable[[tuple[Resource, ...]], list[Resource]]:
    return lambda view: _policy(
        view, "identity-app", {"Version": "2012-10-17", "Statement": [statement]}
    )


def _trust_with(condition: dict[str, Any]) -> Callable[[tuple[Resource, ...]], list[Resource]]:
    def mutate(view: tuple[Resource, ...]) -> list[Resource]:
        role = named(view, "identity-app", "aws:iam/role:Role")
        document = json.loads(role.props["assumeRolePolicy"])
        document["Statement"][0]["Condition"] = condition
        return changed(
            view, "identity-app", "aws:iam/role:Role", assumeRolePolicy=json.dumps(document)
        )

    return mutate


def _s3_resource(view: tuple[Resource, ...], kind: str, bucket: str) -> Resource:
    return next(
        r
        for r in view
        if r.type.startswith(f"aws:s3/{kind}:") and r.props.get("bucket") == f"{bucket}-mock"
    )


def _s3_config(
    kind: str, bucket: str, **props: Any
) -> Callable[[tuple[Resource, ...]], list[Resource]]:
    def mutate(view: tuple[Resource, ...]) -> list[Resource]:
        target = next(
            r
            for r in view
            if r.type.startswith(f"aws:s3/{kind}:") and r.props.get("bucket") == f"{bucket}-mock"
        )
        return changed(view, target.name, target.type, **props)

    return mutate


def _function_regions(view: tuple[Resource, ...], regions: list[str]) -> list[Resource]:
    project = named(view, "compute-web", PROJECT)
    config = {**project.props["resourceConfig"], "functionDefaultRegions": regions}
    return changed(view, "compute-web", PROJECT, resourceConfig=config)


def _s3_without(kind: str, bucket: str) -> Callable[[tuple[Resource, ...]], list[Resource]]:
    def mutate(view: tuple[Resource, ...]) -> list[Resource]:
        target = next(
            r
            for r in view
            if r.type.startswith(f"aws:s3/{kind}:") and r.props.get("bucket") == f"{bucket}-mock"
        )
        return without(view, target.name, target.type)

    return mutate


def _key_policy_without(view: tuple[Resource, ...], action: str) -> str:
    """The alert topics' key policy with one action taken from CloudWatch's statement."""
    document = json.loads(named(view, "alerts-topics-key", KEY).props["policy"])
    for statement in document["Statement"]:
        if statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}:
            statement["Action"] = [a for a in statement["Action"] if a != action]
    return json.dumps(document)


def _unprotected(view: tuple[Resource, ...], name: str, type_: str) -> list[Resource]:
    target = named(view, name, type_)
    return [dataclasses.replace(r, protect=False) if r is target else r for r in view]


STRIPE_KEY = "sk_live_51Habcdefghijk"
EVERYTHING_ON_EVERYTHING = {"Effect": "Allow", "Action": "*", "Resource": "*"}
# (rule, how the prod stack is broken, words of the violation)
FAILURES: list[tuple[str, Callable[[tuple[Resource, ...]], Any], str]] = [
    (
        "residency-database-zurich",
        lambda v: changed(v, "database-project", SUPABASE, region="eu-west-1"),
        "not Zurich",
    ),
    (
        "residency-database-zurich",
        lambda v: changed(v, "database-project", SUPABASE, region=None),
        "not Zurich",
    ),
    (
        "residency-buckets-zurich",
        lambda v: changed(v, PHOTOS, BUCKET, region="eu-central-1"),
        "not Zurich",
    ),
    ("residency-buckets-zurich", lambda v: changed(v, PHOTOS, BUCKET, region=None), "not Zurich"),
    (
        "residency-buckets-zurich",
        lambda v: changed(v, "storage-backups-replica", BUCKET, region="us-east-1"),
        "outside Switzerland and the EU",
    ),
    (
        "residency-buckets-zurich",
        lambda v: changed(v, "storage-access-logs", BUCKET, region="eu-central-1"),
        "not allowed as a replica",
    ),
    (
        "residency-drains-own-endpoint",
        lambda v: changed(v, "drains-logs", LOG_DRAIN, endpoint="https://logs.example.com/in"),
        "not a deployment of this stack",
    ),
    (
        "residency-drains-own-endpoint",
        lambda v: changed(
            v, "drains-traces", TRACE_DRAIN, endpoint="http://compute-ops-mock.vercel.app/x"
        ),
        "not HTTPS",
    ),
    (
        "residency-drains-own-endpoint",
        lambda v: changed(v, "drains-logs", LOG_DRAIN, endpoint=None),
        "not HTTPS",
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
        "grants kms:* to *",
    ),
    (
        "residency-service-regions",
        lambda v: changed(v, "cache-redis", REDIS, primaryRegion="us-east-1"),
        "not an allowed EU region",
    ),
    (
        "residency-service-regions",
        lambda v: changed(v, "cache-redis", REDIS, primaryRegion=None),
        "not an allowed EU region",
    ),
    (
        "residency-service-regions",
        lambda v: _function_regions(v, ["iad1"]),
        "outside the EU",
    ),
    (
        "residency-service-regions",
        lambda v: _function_regions(v, []),
        "not set explicitly",
    ),
    (
        "residency-service-regions",
        lambda v: changed(v, "compute-web", PROJECT, serverlessFunctionRegion="iad1"),
        "outside the EU",
    ),
    (
        "s3-encryption",
        _s3_without("bucketServerSideEncryptionConfiguration", PHOTOS),
        "no default encryption",
    ),
    (
        "s3-encryption",
        _s3_config("bucketServerSideEncryptionConfiguration", PHOTOS, rules=[{}]),
        "no default encryption",
    ),
    (
        "s3-versioning",
        _s3_config("bucketVersioning", PHOTOS, versioningConfiguration={"status": "Suspended"}),
        "not enabled",
    ),
    ("s3-versioning", _s3_without("bucketVersioning", PHOTOS), "not enabled"),
    (
        "s3-public-access-block",
        _s3_config("bucketPublicAccessBlock", PHOTOS, restrictPublicBuckets=False),
        "restrictPublicBuckets",
    ),
    (
        "s3-public-access-block",
        _s3_config("bucketPublicAccessBlock", PHOTOS, blockPublicAcls=None),
        "blockPublicAcls",
    ),
    (
        "s3-tls-only",
        _s3_config("bucketPolicy", PHOTOS, policy=json.dumps({"Statement": []})),
        "without TLS",
    ),
    ("s3-tls-only", _s3_without("bucketPolicy", PHOTOS), "without TLS"),
    ("s3-access-logging", _s3_without("bucketLogging", PHOTOS), "no access logging"),
    (
        "s3-log-retention",
        _s3_config(
            "bucketLifecycleConfiguration",
            "storage-access-logs",
            rules=[{"expiration": {"days": 30}}],
        ),
        "under 365",
    ),
    (
        "s3-backups-object-lock",
        _s3_without("bucketObjectLockConfiguration", "storage-backups"),
        "not locked",
    ),
    (
        "s3-backups-object-lock",
        lambda v: changed(v, "storage-backups", BUCKET, objectLockEnabled=False),
        "not locked",
    ),
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
    (
        "alarms-have-actions",
        lambda v: changed(v, "alerts-low-disk-space", ALARM, alarmActions=[]),
        "notifies no one",
    ),
    (
        "alarms-have-actions",
        lambda v: changed(v, "alerts-low-disk-space", ALARM, alarmActions=None),
        "notifies no one",
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
    (
        "alarms-seed-rules",
        lambda v: without(v, "alerts-payment-failures", ALARM),
        "payment-failures has no alarm",
    ),
    ("protect-stateful", lambda v: _unprotected(v, PHOTOS, BUCKET), "not protected"),
    (
        "tags-required",
        lambda v: changed(v, PHOTOS, BUCKET, tags={"project": "crms"}),
        "environment, data-classification",
    ),
    (
        "tags-required",
        lambda v: changed(v, "storage-key", "aws:kms/key:Key", tags=None),
        "missing tags",
    ),
    (
        "secrets-vercel-env-sensitive",
        lambda v: changed(
            v, "compute-web-stripe-secret-key", VARIABLE, sensitive=False, value=STRIPE_KEY
        ),
        "STRIPE_SECRET_KEY",
    ),
    (
        "secrets-vercel-env-sensitive",
        lambda v: changed(v, "compute-web-node-env", VARIABLE, value="postgresql://u:pw@host/db"),
        "NODE_ENV",
    ),
    (
        "secrets-plain-outputs",
        lambda v: changed(
            v, "crms-prod", "pulumi:pulumi:Stack", databaseUrl="postgresql://postgres:hunter2@db/x"
        ),
        "databaseUrl",
    ),
]


@pytest.mark.parametrize(
    ("rule", "mutate", "words"), FAILURES, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(FAILURES)]
)
def test_each_way_a_rule_fails(
    rule: str, mutate: Callable[[tuple[Resource, ...]], Any], words: str
) -> None:
    found = violations(rule, mutate(stack_view("prod")), rule_config("prod", rule))
    assert found, f"{rule} passed a broken stack"
    assert any(words in message for message in found), found


def test_every_rule_has_a_failure_case() -> None:
    assert {rule for rule, _, _ in FAILURES} == set(RULES)


# What a rule reads that preview always knows (names, types, protection) cannot be unknown.
READS_ONLY_KNOWN_VALUES = {"alarms-seed-rules", "protect-stateful"}


def _all_unknown(view: tuple[Resource, ...]) -> list[Resource]:
    """Every property of every resource unknown, as at a first preview."""
    return [
        dataclasses.replace(
            r, props=unknown_checking_proxy(dict.fromkeys(r.props, UNKNOWN_STRING_VALUE))
        )
        for r in view
    ]


@pytest.mark.parametrize("rule", sorted(set(RULES) - READS_ONLY_KNOWN_VALUES))
def test_a_value_unknown_at_preview_is_reported_not_passed(rule: str) -> None:
    # The policy SDK turns this error into a "can't run policy during preview" report.
    with pytest.raises(UnknownValueError):
        violations(rule, _all_unknown(stack_view("prod")), rule_config("prod", rule))


def _exemption(urn: str, reason: str, expires: str) -> dict[str, Any]:
    """Prod's own exemptions, and one more."""
    prod = rule_config("prod", "s3-access-logging") or {}
    mine = {"urn": urn, "reason": reason, "expires": expires}
    return {"exemptions": [*prod.get("exemptions", []), mine]}


FIRST_FAILURE = {rule: mutate for rule, mutate, _ in reversed(FAILURES)}
STACK_WIDE = {"alarms-seed-rules"}  # its violation names no resource: nothing to exempt


def _broken(rule: str) -> tuple[list[Resource], list[str]]:
    """The prod view broken for `rule`, and the URNs its violations name."""
    broken = list(FIRST_FAILURE[rule](stack_view("prod")))
    config = rule_config("prod", rule) or {}
    urns = [v.urn or "" for v in evaluate(RULES[rule], broken, config, TODAY)]
    return broken, urns


def _exempting(rule: str, urns: list[str], reason: str, expires: str) -> dict[str, Any]:
    """The rule's prod config, with every given URN exempted."""
    config = dict(rule_config("prod", rule) or {})
    mine = [{"urn": urn, "reason": reason, "expires": expires} for urn in urns]
    config["exemptions"] = [*config.get("exemptions", []), *mine]
    return config


@pytest.mark.parametrize("rule", sorted(set(RULES) - STACK_WIDE))
def test_an_exemption_with_a_reason_waives_the_resource(rule: str) -> None:
    broken, urns = _broken(rule)
    assert urns
    config = _exempting(rule, urns, "Agreed with compliance until the migration.", "2027-01-31")
    assert violations(rule, broken, config) == []


@pytest.mark.parametrize("rule", sorted(set(RULES) - STACK_WIDE))
def test_an_expired_exemption_counts_as_a_violation(rule: str) -> None:
    broken, urns = _broken(rule)
    config = _exempting(rule, urns, "Agreed with compliance until the migration.", "2026-01-31")
    found = violations(rule, broken, config)
    assert len(found) == len(urns)
    assert all("expired on 2026-01-31" in message for message in found)


def test_an_exemption_without_a_reason_is_rejected() -> None:
    broken, urns = _broken("s3-access-logging")
    found = violations(
        "s3-access-logging", broken, _exempting("s3-access-logging", urns, "", "2027-01-31")
    )
    assert found
    assert all("gives no reason" in message for message in found)


def test_rules_are_the_packs_only_source() -> None:
    assert all(isinstance(rule, Rule) for rule in ALL_RULES)


def test_a_replica_allowed_without_a_reason_is_a_violation() -> None:
    config = rule_config("prod", "residency-buckets-zurich") or {}
    allowances = [
        {**entry, "reason": ""} if entry["bucket"] == "storage-photos-replica" else entry
        for entry in config["allowedOutsideZurich"]
    ]
    found = violations(
        "residency-buckets-zurich", stack_view("prod"), {"allowedOutsideZurich": allowances}
    )
    assert found == ["bucket storage-photos-replica is allowed without a reason"]


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


def test_the_backups_buckets_are_found_by_their_purpose_tag_not_their_name() -> None:
    view = stack_view("prod")
    photos_tags = named(view, PHOTOS, BUCKET).props["tags"]
    as_backups = changed(view, PHOTOS, BUCKET, tags={**photos_tags, "purpose": "backups"})
    assert violations("s3-backups-object-lock", as_backups) == [
        "backups are not locked (object lock with a default retention)"
    ]
    backups_tags = named(view, "storage-backups", BUCKET).props["tags"]
    untagged = changed(
        view,
        "storage-backups",
        BUCKET,
        objectLockEnabled=False,
        tags={key: value for key, value in backups_tags.items() if key != "purpose"},
    )
    assert violations("s3-backups-object-lock", untagged) == []

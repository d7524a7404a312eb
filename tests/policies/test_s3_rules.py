"""The rules of crms_rules/s3.py: each way each fails on the prod stack, and exemptions."""

import json
from typing import Any

from crms_rules import s3
from crms_rules.core import Resource

from tests.policies.views import (
    BUCKET,
    PHOTOS,
    Failure,
    Mutation,
    broken,
    changed,
    exempting,
    first_failures,
    named,
    rule_case_tests,
    stack_view,
    violations,
    without,
)


def _s3_config(kind: str, bucket: str, **props: Any) -> Mutation:
    def mutate(view: tuple[Resource, ...]) -> list[Resource]:
        target = next(
            r
            for r in view
            if r.type.startswith(f"aws:s3/{kind}:") and r.props.get("bucket") == f"{bucket}-mock"
        )
        return changed(view, target.name, target.type, **props)

    return mutate


def _s3_without(kind: str, bucket: str) -> Mutation:
    def mutate(view: tuple[Resource, ...]) -> list[Resource]:
        target = next(
            r
            for r in view
            if r.type.startswith(f"aws:s3/{kind}:") and r.props.get("bucket") == f"{bucket}-mock"
        )
        return without(view, target.name, target.type)

    return mutate


PHOTOS_ARN = "arn:aws:s3:::storage-photos-mock"
TLS_DENY = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": [PHOTOS_ARN, f"{PHOTOS_ARN}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def _photos_policy(**statement: Any) -> Mutation:
    """The photos bucket's policy with its TLS statement changed (None drops a key)."""
    edited = {k: v for k, v in {**TLS_DENY, **statement}.items() if v is not None}
    return _s3_config("bucketPolicy", PHOTOS, policy=json.dumps({"Statement": [edited]}))


FAILURES: list[Failure] = [
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
    # cdk-nag S3BucketSSLRequestsOnly: each shape but the last slipped through before issue
    # 27; the last is what Checkov's CKV_AWS_379 accepts.
    ("s3-tls-only", _photos_policy(Action="s3:GetObject"), "without TLS"),
    (
        "s3-tls-only",
        _photos_policy(Principal={"AWS": "arn:aws:iam::123456789012:root"}),
        "without TLS",
    ),
    ("s3-tls-only", _photos_policy(Resource=["arn:aws:s3:::other", "arn:aws:s3:::other/*"]), "TLS"),
    ("s3-tls-only", _photos_policy(Resource=[f"{PHOTOS_ARN}/*"]), "without TLS"),
    ("s3-tls-only", _photos_policy(Resource=PHOTOS_ARN), "without TLS"),
    (
        "s3-tls-only",
        _photos_policy(Effect="Allow", Condition={"Bool": {"aws:SecureTransport": "true"}}),
        "without TLS",
    ),
    # Checkov CKV_AWS_145: KMS by default; SSE-S3 passed before issue 27.
    (
        "s3-encryption",
        _s3_config(
            "bucketServerSideEncryptionConfiguration",
            PHOTOS,
            rules=[{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}],
        ),
        "no default encryption at rest with KMS",
    ),
    (
        "s3-access-logging",
        _s3_config("bucketLogging", PHOTOS, targetBucket=f"{PHOTOS}-mock"),
        "into itself",
    ),
    # Checkov CKV2_AWS_65.
    (
        "s3-acls-disabled",
        _s3_config("bucketOwnershipControls", PHOTOS, rule={"objectOwnership": "ObjectWriter"}),
        "BucketOwnerEnforced",
    ),
    ("s3-acls-disabled", _s3_without("bucketOwnershipControls", PHOTOS), "ACLs are not disabled"),
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
]


(
    test_each_way_a_rule_fails,
    test_every_rule_has_a_failure_case,
    test_an_exemption_waives_a_resource_until_it_expires,
) = rule_case_tests(s3.RULES, FAILURES)


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


def test_an_exemption_without_a_reason_is_rejected() -> None:
    mutate = dict(first_failures(FAILURES))["s3-access-logging"]
    view, urns = broken("s3-access-logging", mutate)
    found = violations(
        "s3-access-logging", view, exempting("s3-access-logging", urns, "", "2027-01-31")
    )
    assert found
    assert all("gives no reason" in message for message in found)


def test_the_tls_deny_may_use_the_wildcard_action_and_principal_forms() -> None:
    view = stack_view("prod")
    for mutate in (
        _photos_policy(Action="*"),
        _photos_policy(Principal={"AWS": ["*"]}),
        _photos_policy(Condition={"Bool": {"aws:SecureTransport": False}}),
    ):
        assert violations("s3-tls-only", mutate(view)) == []


def test_a_log_bucket_may_keep_sse_s3() -> None:
    assert violations("s3-encryption", stack_view("prod")) == []

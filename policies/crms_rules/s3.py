"""S3 hardening: every bucket encrypted, versioned, private, TLS-only and logged.

Each rule is at least as strict as cdk-nag's AwsSolutions rule and Checkov's check for the
same setting (cdklabs/cdk-nag src/rules/s3/, bridgecrewio/checkov
checkov/terraform/checks/graph_checks/aws/); where they differ, the stricter condition
holds, and the rule's comment says whose it is.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from crms_rules.core import (
    Resource,
    Rule,
    Severity,
    StackRule,
    Violation,
    as_list,
    policy_document,
    statements,
)
from crms_rules.s3_buckets import configs_of, log_targets_of, named_buckets

PURPOSE_TAG, BACKUPS = "purpose", "backups"
"""The tag and value that mark the backups buckets (components.purposes.PURPOSE_TAG and
Purpose.BACKUPS; tests/policies/test_copies.py ties the copy to them)."""


KMS_ALGORITHMS = {"aws:kms", "aws:kms:dsse"}


def encryption(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    """KMS by default (Checkov CKV_AWS_145, stricter than CKV_AWS_19's any encryption); a
    bucket that receives server access logs keeps SSE-S3, as components/storage.py decides
    (the only default encryption S3 log delivery wrote to)."""
    configs = configs_of(resources, "bucketServerSideEncryptionConfiguration")
    log_targets = log_targets_of(resources)
    for bucket, name in named_buckets(resources):
        algorithms = {
            (rule.get("applyServerSideEncryptionByDefault") or {}).get("sseAlgorithm")
            for config in configs.get(name, [])
            for rule in as_list(config.props.get("rules"))
        }
        wanted = KMS_ALGORITHMS | ({"AES256"} if name in log_targets else set())
        if not algorithms & wanted:
            kind = "KMS or, for a log bucket, SSE-S3" if name in log_targets else "KMS"
            yield Violation(f"bucket has no default encryption at rest with {kind}", bucket.urn)


def versioning(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    configs = configs_of(resources, "bucketVersioning")
    for bucket, name in named_buckets(resources):
        statuses = [
            (c.props.get("versioningConfiguration") or {}).get("status")
            for c in configs.get(name, [])
        ]
        if "Enabled" not in statuses:
            yield Violation("bucket versioning is not enabled", bucket.urn)


PUBLIC_ACCESS_SETTINGS = (
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
)


def public_access_block(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    configs = configs_of(resources, "bucketPublicAccessBlock")
    for bucket, name in named_buckets(resources):
        blocks = configs.get(name, [])
        missing = [
            s for s in PUBLIC_ACCESS_SETTINGS if not any(b.props.get(s) is True for b in blocks)
        ]
        if missing:
            yield Violation(
                f"public access is not blocked: {', '.join(missing)} not true", bucket.urn
            )


def _denies_plain_http(statement: Mapping[str, Any], bucket_arn: str) -> bool:
    """cdk-nag's S3BucketSSLRequestsOnly, stricter than Checkov's CKV_AWS_379 (any Deny on
    aws:SecureTransport false, or an Allow on true): a Deny of `s3:*` (or `*`) to every
    principal, on the bucket and on its objects, when aws:SecureTransport is false."""
    secure = (statement.get("Condition") or {}).get("Bool", {}).get("aws:SecureTransport")
    principal = statement.get("Principal")
    everyone = principal == "*" or (
        isinstance(principal, Mapping) and "*" in as_list(principal.get("AWS"))
    )
    actions = {str(action).lower() for action in as_list(statement.get("Action"))}
    resources = {str(resource) for resource in as_list(statement.get("Resource"))}
    return (
        statement.get("Effect") == "Deny"
        and str(secure).lower() == "false"
        and everyone
        and bool(actions & {"*", "s3:*"})
        and {bucket_arn, f"{bucket_arn}/*"} <= resources
    )


def tls_only(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    configs = configs_of(resources, "bucketPolicy")
    for bucket, name in named_buckets(resources):
        arn = str(bucket.props.get("arn") or f"arn:aws:s3:::{name}")
        if not any(
            _denies_plain_http(statement, arn)
            for config in configs.get(name, [])
            for statement in statements(policy_document(config.props.get("policy")))
        ):
            yield Violation(
                "bucket policy does not deny requests without TLS: a Deny of s3:* to every "
                "principal on the bucket and bucket/* when aws:SecureTransport is false",
                bucket.urn,
            )


def access_logging(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    """As cdk-nag's S3BucketLoggingEnabled: logged, or the target of another's logs (Checkov's
    CKV_AWS_18 asks a log bucket to log too, which no last bucket can); never into itself,
    where each delivery is a request that is logged again."""
    loggings = configs_of(resources, "bucketLogging")
    targets = log_targets_of(resources)
    for bucket, name in named_buckets(resources):
        own = {str(logging.props.get("targetBucket")) for logging in loggings.get(name, [])}
        if name in own:
            yield Violation("bucket logs its access into itself", bucket.urn)
        elif not own and name not in targets:
            yield Violation("bucket has no access logging", bucket.urn)


def acls_disabled(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    """Checkov CKV2_AWS_65 (BucketOwnerEnforced), and a missing control counts as not set."""
    controls = configs_of(resources, "bucketOwnershipControls")
    for bucket, name in named_buckets(resources):
        owners = {
            (control.props.get("rule") or {}).get("objectOwnership")
            for control in controls.get(name, [])
        }
        if "BucketOwnerEnforced" not in owners:
            yield Violation("bucket ACLs are not disabled (BucketOwnerEnforced)", bucket.urn)


def log_retention(resources: Sequence[Resource], config: Mapping[str, Any]) -> Iterator[Violation]:
    minimum = int(config.get("minimumDays", 365))
    lifecycles = configs_of(resources, "bucketLifecycleConfiguration")
    for bucket, name in named_buckets(resources):
        if name not in log_targets_of(resources):
            continue
        for lifecycle in lifecycles.get(name, []):
            for rule in as_list(lifecycle.props.get("rules")):
                days = (rule.get("expiration") or {}).get("days")
                if days is not None and int(days) < minimum:
                    yield Violation(
                        f"access logs expire after {days} days, under {minimum}", bucket.urn
                    )


def backups_object_lock(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    locks = configs_of(resources, "bucketObjectLockConfiguration")
    for bucket, name in named_buckets(resources):
        if (bucket.props.get("tags") or {}).get(PURPOSE_TAG) != BACKUPS:
            continue
        retained = any(
            (lock.props.get("rule") or {}).get("defaultRetention") for lock in locks.get(name, [])
        )
        if bucket.props.get("objectLockEnabled") is not True or not retained:
            yield Violation(
                "backups are not locked (object lock with a default retention)", bucket.urn
            )


RULES: list[Rule] = [
    StackRule(
        name="s3-encryption",
        description="Every bucket is encrypted at rest by default with KMS (log buckets: SSE-S3).",
        severity=Severity.HIGH,
        remediation="Add an aws.s3.BucketServerSideEncryptionConfiguration (KMS, bucket keys on).",
        check=encryption,
    ),
    StackRule(
        name="s3-acls-disabled",
        description="Every bucket disables ACLs (object ownership BucketOwnerEnforced).",
        severity=Severity.HIGH,
        remediation="Add an aws.s3.BucketOwnershipControls with BucketOwnerEnforced.",
        check=acls_disabled,
    ),
    StackRule(
        name="s3-versioning",
        description="Every bucket keeps versions.",
        severity=Severity.HIGH,
        remediation="Add an aws.s3.BucketVersioning with status Enabled.",
        check=versioning,
    ),
    StackRule(
        name="s3-public-access-block",
        description="Every bucket blocks all four kinds of public access.",
        severity=Severity.HIGH,
        remediation="Add an aws.s3.BucketPublicAccessBlock with all four settings true.",
        check=public_access_block,
    ),
    StackRule(
        name="s3-tls-only",
        description="Every bucket's policy denies all of S3 to everyone without TLS.",
        severity=Severity.HIGH,
        remediation=(
            "Deny s3:* to principal * on the bucket and bucket/* when aws:SecureTransport is "
            "false (components/bucket.py)."
        ),
        check=tls_only,
    ),
    StackRule(
        name="s3-access-logging",
        description="Every bucket logs access to a log bucket.",
        severity=Severity.MEDIUM,
        remediation="Add an aws.s3.BucketLogging targeting the stack's access-log bucket.",
        check=access_logging,
    ),
    StackRule(
        name="s3-log-retention",
        description="Access logs are kept at least 365 days.",
        severity=Severity.MEDIUM,
        remediation="Raise crms:storageAccessLogRetentionDays to 365 or more.",
        check=log_retention,
        defaults={"minimumDays": 365},
    ),
    StackRule(
        name="s3-backups-object-lock",
        description="Backups are locked against deletion.",
        severity=Severity.HIGH,
        remediation=(
            "Set crms:storageBackupsObjectLock true; the lock is fixed when the bucket is created."
        ),
        check=backups_object_lock,
    ),
]

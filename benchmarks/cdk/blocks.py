"""What both stacks of the CDK app (app.py) are built from: prod's settings as constants,
the KMS key and the hardened bucket."""

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

ACCOUNT = "123456789012"  # synth needs one; nothing is looked up or deployed
ZURICH, FRANKFURT = "eu-central-2", "eu-central-1"
TAGS = {"project": "crms", "environment": "production", "data-classification": "confidential"}
NAMESPACE = "CRMS/production"
TEAM, OPS_PROJECT = "crms-swiss", "crms-ops-production"
NONCURRENT_DAYS, BACKUPS_COLD_AFTER_DAYS, LOCK_DAYS, LOG_DAYS = 90, 30, 90, 365
REPLICAS = {  # purpose: (replica bucket, its key's alias, storage class); photos within 15 min
    "photos": (
        "crms-production-photos-replica",
        "alias/crms-production-photos-replica",
        "STANDARD",
    ),
    "backups": ("crms-production-backups-replica", "alias/crms-production-replica", "STANDARD_IA"),
}
# name, severity, threshold, recipients, evaluation periods, what it watches (as
# stacks/alert_watches.py makes it from prod's settings)
ALARMS = (
    (
        "high-error-rate",
        "critical",
        1,
        ["oncall@crms.ch"],
        5,
        ("rate", "Errors", "Requests", "web"),
    ),
    (
        "slow-contract-creation",
        "warning",
        5,
        ["dev-team@crms.ch"],
        10,
        ("p95", "ContractCreationTime"),
    ),
    ("low-disk-space", "warning", 80, ["ops@crms.ch"], 3, ("max", "DatabaseDiskUsage")),
    (
        "payment-failures",
        "critical",
        5,
        ["finance@crms.ch", "oncall@crms.ch"],
        1,
        ("rate", "PaymentFailures", "PaymentAttempts", "payments"),
    ),
    ("drain-silence", "warning", 1, ["ops@crms.ch"], 1, ("sum", "DrainDeliveries")),
)


def key(scope: Construct, name: str, alias: str | None = None) -> kms.Key:
    """A bucket key: rotated, 30 days' deletion window; administrators manage it (the
    default key policy's account statement), the roles' grants add their use."""
    return kms.Key(
        scope,
        name,
        description=f"CRMS bucket encryption ({name})",
        enable_key_rotation=True,
        pending_window=cdk.Duration.days(30),
        alias=alias,
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )


def bucket(
    scope: Construct,
    name: str,
    *,
    encryption_key: kms.IKey | None,
    logs: s3.IBucket | None,
    bucket_name: str | None = None,
    expire_days: int | None = None,
    cold_after_days: int | None = None,
    lock_days: int | None = None,
) -> s3.Bucket:
    """components/bucket.py's HardenedBucket."""
    transitions = (
        [
            s3.Transition(
                storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                transition_after=cdk.Duration.days(cold_after_days),
            )
        ]
        if cold_after_days is not None
        else None
    )
    return s3.Bucket(
        scope,
        name,
        bucket_name=bucket_name,
        versioned=True,
        encryption=s3.BucketEncryption.KMS if encryption_key else s3.BucketEncryption.S3_MANAGED,
        encryption_key=encryption_key,
        bucket_key_enabled=encryption_key is not None or None,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforce_ssl=True,
        object_lock_enabled=lock_days is not None or None,
        object_lock_default_retention=(
            s3.ObjectLockRetention.compliance(cdk.Duration.days(lock_days)) if lock_days else None
        ),
        lifecycle_rules=[
            s3.LifecycleRule(
                id="retention",
                noncurrent_version_expiration=cdk.Duration.days(NONCURRENT_DAYS),
                abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
                expiration=cdk.Duration.days(expire_days) if expire_days else None,
                transitions=transitions,
            )
        ],
        server_access_logs_bucket=logs,
        server_access_logs_prefix=f"{name}/" if logs is not None else None,
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )

"""One private S3 bucket with the hardening every CRMS bucket shares.

pulumi-aws v7: `s3.Bucket` plus one resource per concern (versioning,
encryption, public-access block, ownership, policy, lifecycle, logging), never
the deprecated V2 or inline forms. Each resource names its region explicitly
(v7's per-resource `region`), so residency is visible in every plan.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True, kw_only=True)
class HardenedBucketArgs:
    region: str
    """AWS region of the bucket and all its configuration."""
    tags: Mapping[str, str]
    """Tags on the bucket (project, environment, data classification)."""
    kms_key_arn: pulumi.Input[str] | None
    """Customer-managed KMS key for encryption at rest; None for SSE-S3 (log buckets must)."""
    noncurrent_version_days: int
    """Days before noncurrent versions expire."""
    expire_after_days: int | None = None
    """Days before current objects expire (log buckets); None keeps them."""
    cold_after_days: int | None = None
    """Days before objects move to Glacier Instant Retrieval; None keeps them in Standard."""
    object_lock_days: int | None = None
    """Compliance-mode Object Lock retention in days; None for no lock (fixed at creation)."""
    log_bucket: pulumi.Input[str] | None = None
    """Bucket receiving this bucket's access logs; None for the log bucket itself."""
    receives_logs_from_account: pulumi.Input[str] | None = None
    """Account whose buckets deliver access logs here; None for a bucket that takes none."""
    protect: bool = True
    """Protect and retain the bucket."""


class HardenedBucket(pulumi.ComponentResource):
    bucket: aws.s3.Bucket

    def __init__(
        self, name: str, args: HardenedBucketArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:HardenedBucket", name, None, opts)
        self.args = args  # a replica is made from its source's arguments
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(
            name,
            region=args.region,
            object_lock_enabled=args.object_lock_days is not None,
            force_destroy=False,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, retain_on_delete=args.protect
            ),
        )
        bucket_id = self.bucket.id
        self.versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket_id,
            region=args.region,
            versioning_configuration={"status": "Enabled"},
            opts=child,
        )
        self.encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket_id,
            region=args.region,
            rules=[_encryption_rule(args.kms_key_arn)],
            opts=child,
        )
        self.public_access_block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access-block",
            bucket=bucket_id,
            region=args.region,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        self.ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket_id,
            region=args.region,
            rule={"object_ownership": "BucketOwnerEnforced"},
            opts=child,
        )
        # After the public-access block: S3 rejects a policy it cannot yet judge private.
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket_id,
            region=args.region,
            policy=_bucket_policy(self.bucket.arn, args.receives_logs_from_account),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.public_access_block]),
        )
        # Lifecycle rules on versions need versioning in place first.
        self.lifecycle = aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket_id,
            region=args.region,
            rules=[_lifecycle_rule(args)],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.versioning]),
        )
        if args.object_lock_days is not None:
            self.object_lock = aws.s3.BucketObjectLockConfiguration(
                f"{name}-object-lock",
                bucket=bucket_id,
                region=args.region,
                rule={"default_retention": {"mode": "COMPLIANCE", "days": args.object_lock_days}},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.versioning]),
            )
        if args.log_bucket is not None:
            self.logging = aws.s3.BucketLogging(
                f"{name}-logging",
                bucket=bucket_id,
                region=args.region,
                target_bucket=args.log_bucket,
                target_prefix=f"{name}/",
                opts=child,
            )
        self.register_outputs({"bucket": self.bucket.bucket, "arn": self.bucket.arn})


def _encryption_rule(
    kms_key_arn: pulumi.Input[str] | None,
) -> aws.s3.BucketServerSideEncryptionConfigurationRuleArgsDict:
    if kms_key_arn is None:
        return {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}
    return {
        "apply_server_side_encryption_by_default": {
            "sse_algorithm": "aws:kms",
            "kms_master_key_id": kms_key_arn,
        },
        # Bucket keys cut KMS requests (and their cost) by orders of magnitude.
        "bucket_key_enabled": True,
    }


def _lifecycle_rule(args: HardenedBucketArgs) -> aws.s3.BucketLifecycleConfigurationRuleArgsDict:
    rule: aws.s3.BucketLifecycleConfigurationRuleArgsDict = {
        "id": "retention",
        "status": "Enabled",
        "filter": {},
        "noncurrent_version_expiration": {"noncurrent_days": args.noncurrent_version_days},
        "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
    }
    if args.expire_after_days is not None:
        rule["expiration"] = {"days": args.expire_after_days}
    if args.cold_after_days is not None:
        rule["transitions"] = [{"days": args.cold_after_days, "storage_class": "GLACIER_IR"}]
    return rule


def _bucket_policy(
    bucket_arn: pulumi.Output[str], log_source_account: pulumi.Input[str] | None
) -> pulumi.Output[str]:
    objects = pulumi.Output.concat(bucket_arn, "/*")
    statements: list[dict[str, object]] = [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket_arn, objects],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
    if log_source_account is not None:
        # With ownership enforced, S3 log delivery is granted by policy, not by ACL.
        statements.append(
            {
                "Sid": "AllowS3LogDelivery",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": objects,
                "Condition": {"StringEquals": {"aws:SourceAccount": log_source_account}},
            }
        )
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements})

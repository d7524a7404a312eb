"""CRMS storage in Zurich: the photos and backups buckets, their access logs, and
(where the stack says so) locked, replicated backups."""

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.bucket import HardenedBucket, HardenedBucketArgs


@dataclass(frozen=True, kw_only=True)
class StorageArgs:
    region: str
    """AWS region of every bucket; the settings allow only eu-central-2 (Zurich)."""
    tags: Mapping[str, str]
    """Tags on every taggable resource."""
    noncurrent_version_days: int
    """Days before noncurrent object versions expire."""
    backups_cold_after_days: int
    """Days before backup objects move to a colder storage class."""
    backups_object_lock_days: int | None
    """Compliance-mode lock of backup objects in days; None for no lock."""
    replication_region: str | None
    """Region receiving a replica of the backups; None for no replication."""
    access_log_retention_days: int
    """Days the access-log bucket keeps logs (at least 365)."""
    protect: bool = True
    """Protect and retain buckets and keys."""


class Storage(pulumi.ComponentResource):
    photos: HardenedBucket
    backups: HardenedBucket
    key: aws.kms.Key

    def __init__(
        self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:Storage", name, None, opts)
        self.key = _kms_key(f"{name}-key", args.region, args, self)
        account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id
        logs = HardenedBucket(
            f"{name}-access-logs",
            HardenedBucketArgs(
                region=args.region,
                tags=args.tags,
                kms_key_arn=None,  # S3 log delivery writes only to SSE-S3 buckets
                noncurrent_version_days=args.noncurrent_version_days,
                expire_after_days=args.access_log_retention_days,
                receives_logs_from_account=account_id,
                protect=args.protect,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.access_logs = logs
        self.photos = HardenedBucket(
            f"{name}-photos",
            HardenedBucketArgs(
                region=args.region,
                tags=args.tags,
                kms_key_arn=self.key.arn,
                noncurrent_version_days=args.noncurrent_version_days,
                log_bucket=logs.bucket.id,
                protect=args.protect,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.backups = HardenedBucket(
            f"{name}-backups",
            HardenedBucketArgs(
                region=args.region,
                tags=args.tags,
                kms_key_arn=self.key.arn,
                noncurrent_version_days=args.noncurrent_version_days,
                cold_after_days=args.backups_cold_after_days,
                object_lock_days=args.backups_object_lock_days,
                log_bucket=logs.bucket.id,
                protect=args.protect,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        if args.replication_region is not None:
            self._replicate_backups(name, args, args.replication_region)
        self.register_outputs(
            {
                "photosBucket": self.photos.bucket.bucket,
                "backupsBucket": self.backups.bucket.bucket,
                "keyArn": self.key.arn,
            }
        )

    def _replicate_backups(self, name: str, args: StorageArgs, region: str) -> None:
        replica_key = _kms_key(f"{name}-replica-key", region, args, self)
        replica = HardenedBucket(
            f"{name}-backups-replica",
            HardenedBucketArgs(
                region=region,
                tags=args.tags,
                kms_key_arn=replica_key.arn,
                noncurrent_version_days=args.noncurrent_version_days,
                cold_after_days=args.backups_cold_after_days,
                # Locked objects replicate only into a bucket that can lock them too.
                object_lock_days=args.backups_object_lock_days,
                protect=args.protect,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        role = aws.iam.Role(
            f"{name}-replication",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "s3.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.iam.RolePolicy(
            f"{name}-replication",
            role=role.id,
            policy=_replication_policy(
                self.backups.bucket.arn, replica.bucket.arn, self.key.arn, replica_key.arn
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.s3.BucketReplicationConfig(
            f"{name}-backups-replication",
            bucket=self.backups.bucket.id,
            region=args.region,
            role=role.arn,
            rules=[
                {
                    "id": "backups-to-replica",
                    "status": "Enabled",
                    "filter": {},
                    "delete_marker_replication": {"status": "Enabled"},
                    "source_selection_criteria": {
                        "sse_kms_encrypted_objects": {"status": "Enabled"}
                    },
                    "destination": {
                        "bucket": replica.bucket.arn,
                        "storage_class": "STANDARD_IA",
                        "encryption_configuration": {"replica_kms_key_id": replica_key.arn},
                    },
                }
            ],
            # Replication needs versioning on both sides first.
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[self.backups.versioning, replica.versioning]
            ),
        )
        self.replica = replica


def _kms_key(name: str, region: str, args: StorageArgs, parent: pulumi.Resource) -> aws.kms.Key:
    return aws.kms.Key(
        name,
        region=region,
        description=f"CRMS bucket encryption ({name})",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        tags=dict(args.tags),
        opts=pulumi.ResourceOptions(parent=parent, protect=args.protect),
    )


def _replication_policy(
    source_arn: pulumi.Output[str],
    replica_arn: pulumi.Output[str],
    source_key_arn: pulumi.Output[str],
    replica_key_arn: pulumi.Output[str],
) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                    "Resource": source_arn,
                },
                {
                    "Effect": "Allow",
                    "Action": [
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionTagging",
                        "s3:GetObjectRetention",
                        "s3:GetObjectLegalHold",
                    ],
                    "Resource": pulumi.Output.concat(source_arn, "/*"),
                },
                {
                    "Effect": "Allow",
                    "Action": [
                        "s3:ReplicateObject",
                        "s3:ReplicateDelete",
                        "s3:ReplicateTags",
                        "s3:ObjectOwnerOverrideToBucketOwner",
                    ],
                    "Resource": pulumi.Output.concat(replica_arn, "/*"),
                },
                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": source_key_arn},
                {"Effect": "Allow", "Action": "kms:Encrypt", "Resource": replica_key_arn},
            ],
        }
    )

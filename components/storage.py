"""CRMS storage in Zurich: the photos and backups buckets, their access logs, and
(where the stack says so) locked backups and replicas of both buckets in a second region."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import pulumi
import pulumi_aws as aws

from components.bucket import HardenedBucket, HardenedBucketArgs
from components.key_policy import READ, REPLICATE_INTO, WRITE, KeyGrants, KeyUse
from components.replication import (
    ReplicatedPair,
    kms_key,
    replication_config,
    replication_role,
)

PURPOSE_TAG = "purpose"
"""The tag that says what a bucket holds; the policy pack finds the backups by it."""


class Purpose(StrEnum):
    """What a bucket holds (its PURPOSE_TAG); a replica holds what its source holds."""

    PHOTOS = "photos"
    BACKUPS = "backups"
    ACCESS_LOGS = "access-logs"


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
    photos_replication_region: str | None = None
    """Region receiving a replica of the photos; None for no replication."""
    access_log_retention_days: int
    """Days the access-log bucket keeps logs (at least 365)."""
    protect: bool = True
    """Protect and retain buckets and keys."""


class Storage(pulumi.ComponentResource):
    photos: HardenedBucket
    backups: HardenedBucket
    key: aws.kms.Key
    photos_replica: HardenedBucket | None = None
    replica: HardenedBucket | None = None
    replication_role: aws.iam.Role | None = None

    def __init__(
        self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:Storage", name, None, opts)
        self._name, self._args = name, args
        self.key = kms_key(f"{name}-key", args.region, args.tags, args.protect, self)
        self._replica_keys: list[tuple[str, aws.kms.Key, str, bool]] = []
        self.account_id = aws.get_caller_identity_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        ).account_id
        logs = self._log_bucket(f"{name}-access-logs", args.region)
        self.access_logs = logs
        self.photos = HardenedBucket(
            f"{name}-photos",
            HardenedBucketArgs(
                region=args.region,
                tags=self._tags(Purpose.PHOTOS),
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
                tags=self._tags(Purpose.BACKUPS),
                kms_key_arn=self.key.arn,
                noncurrent_version_days=args.noncurrent_version_days,
                cold_after_days=args.backups_cold_after_days,
                object_lock_days=args.backups_object_lock_days,
                log_bucket=logs.bucket.id,
                protect=args.protect,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self._replicate(name, args)
        outputs: dict[str, pulumi.Input[str]] = {
            "photosBucket": self.photos.bucket.bucket,
            "backupsBucket": self.backups.bucket.bucket,
            "keyArn": self.key.arn,
        }
        if self.photos_replica is not None:
            outputs["photosReplicaBucket"] = self.photos_replica.bucket.bucket
        self.register_outputs(outputs)

    def _tags(self, purpose: Purpose) -> dict[str, str]:
        return {**self._args.tags, PURPOSE_TAG: purpose.value}

    def _log_bucket(self, name: str, region: str) -> HardenedBucket:
        return HardenedBucket(
            name,
            HardenedBucketArgs(
                region=region,
                tags=self._tags(Purpose.ACCESS_LOGS),
                kms_key_arn=None,  # S3 log delivery writes only to SSE-S3 buckets
                noncurrent_version_days=self._args.noncurrent_version_days,
                expire_after_days=self._args.access_log_retention_days,
                receives_logs_from_account=self.account_id,
                protect=self._args.protect,
            ),
            pulumi.ResourceOptions(parent=self),
        )

    def _replicate(self, name: str, args: StorageArgs) -> None:
        targets = {
            "backups": args.replication_region,
            "photos": args.photos_replication_region,
        }
        regions = {region for region in targets.values() if region is not None}
        if not regions:
            return
        # S3 delivers access logs only to a bucket in the logged bucket's own region
        # (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html),
        # so each replica region has a log bucket of its own.
        (region,) = regions  # one replication region per stack (StorageSettings)
        replica_logs = self._log_bucket(f"{name}-replica-access-logs", region)
        pairs = []
        if args.replication_region is not None:
            self.replica = self._replica(
                f"{name}-backups-replica", f"{name}-replica-key", region, replica_logs, True
            )
            pairs.append(self._pair(self.backups, self.replica, region, locked=True))
        if args.photos_replication_region is not None:
            self.photos_replica = self._replica(
                f"{name}-photos-replica", f"{name}-photos-replica-key", region, replica_logs, False
            )
            pairs.append(self._pair(self.photos, self.photos_replica, region, locked=False))
        self.replication_role = role = replication_role(
            f"{name}-replication", pairs, args.tags, self
        )
        for pair in pairs:
            is_backups = pair.source is self.backups
            replication_config(
                f"{name}-backups-replication" if is_backups else f"{name}-photos-replication",
                pair,
                role,
                rule_id="backups-to-replica" if is_backups else "photos-to-replica",
                # Backups are locked: a replicated delete marker hides nothing for good.
                # Photos are not: a delete marker replicated from a compromised or mistaken
                # delete would hide the replica's copy too, so the replica keeps showing it.
                replicate_delete_markers=is_backups,
                storage_class="STANDARD_IA" if is_backups else "STANDARD",
                within_15_minutes=not is_backups,
                parent=self,
            )

    def _replica(
        self, name: str, key_name: str, region: str, logs: HardenedBucket, is_backups: bool
    ) -> HardenedBucket:
        args = self._args
        key = kms_key(key_name, region, args.tags, args.protect, self)
        self._replica_keys.append((key_name, key, region, is_backups))
        return HardenedBucket(
            name,
            HardenedBucketArgs(
                region=region,
                tags=self._tags(Purpose.BACKUPS if is_backups else Purpose.PHOTOS),
                kms_key_arn=key.arn,
                noncurrent_version_days=args.noncurrent_version_days,
                cold_after_days=args.backups_cold_after_days if is_backups else None,
                # Locked objects replicate only into a bucket that can lock them too.
                object_lock_days=args.backups_object_lock_days if is_backups else None,
                log_bucket=logs.bucket.id,
                protect=args.protect,
            ),
            pulumi.ResourceOptions(parent=self),
        )

    def _pair(
        self, source: HardenedBucket, replica: HardenedBucket, region: str, *, locked: bool
    ) -> ReplicatedPair:
        (key,) = [key for _, key, _, is_backups in self._replica_keys if is_backups == locked]
        return ReplicatedPair(
            source=source,
            replica=replica,
            source_key_arn=self.key.arn,
            replica_key_arn=key.arn,
            source_region=self._args.region,
            replica_region=region,
            object_lock=locked and self._args.backups_object_lock_days is not None,
        )

    def key_grants(self, ops_role_arn: pulumi.Input[str]) -> list[KeyGrants]:
        """Who uses each of the storage keys: the ops role and the replication role, no one else.

        The ops role writes photos and backups under the Zurich key and reads the replicas
        when a restore needs them; the replication role reads sources and writes replicas.
        """
        replication = self.replication_role
        zurich = [KeyUse(ops_role_arn, WRITE, "OpsRoleUsesKeyThroughS3")]
        if replication is not None:
            zurich.append(KeyUse(replication.arn, READ, "ReplicationReadsSources"))
        grants = [KeyGrants(f"{self._name}-key", self.key, self._args.region, tuple(zurich))]
        for name, key, region, _ in self._replica_keys:
            assert replication is not None  # a replica exists only with its role
            uses = (
                KeyUse(replication.arn, REPLICATE_INTO, "ReplicationWritesReplicas"),
                KeyUse(ops_role_arn, READ, "OpsRoleRestoresFromReplica"),
            )
            grants.append(KeyGrants(name, key, region, uses))
        return grants

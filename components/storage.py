"""CRMS storage in Zurich: the photos and backups buckets, their access logs, and
(where the stack says so) locked backups and replicas of both buckets in a second region."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pulumi
import pulumi_aws as aws

from components.bucket import HardenedBucket, HardenedBucketArgs
from components.key_policy import READ, REPLICATE_INTO, WRITE, KeyGrants, KeyUse
from components.purposes import PURPOSE_TAG, REPLICA_PLANS, Purpose, ReplicaPlan
from components.replication import (
    ReplicatedPair,
    kms_key,
    replication_config,
    replication_role,
)


@dataclass(frozen=True)
class Replica:
    """One Zurich bucket's replica, its key, and the pair replication copies between."""

    purpose: Purpose
    plan: ReplicaPlan
    key_name: str
    key: aws.kms.Key
    pair: ReplicatedPair


@dataclass(frozen=True)
class Replication:
    """The replicas and the one role S3 replicates into them with."""

    role: aws.iam.Role
    replicas: Sequence[Replica]


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
    """Region receiving the replicas; None for no replication."""
    replicated: frozenset[Purpose] = frozenset()
    """The buckets (photos, backups) replicated there."""
    access_log_retention_days: int
    """Days the access-log bucket keeps logs (at least 365)."""
    protect: bool = True
    """Protect and retain the buckets, protect the keys (a key is never retained: Pulumi
    schedules its deletion, which an administrator can cancel within 30 days)."""


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
        self._replication = self._replicate(name, args)
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

    def _replicate(self, name: str, args: StorageArgs) -> Replication | None:
        region = args.replication_region
        if region is None or not args.replicated:
            return None
        # S3 delivers access logs only to a bucket in the logged bucket's own region
        # (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html),
        # so the replica region has a log bucket of its own.
        logs = self._log_bucket(f"{name}-replica-access-logs", region)
        sources = {Purpose.BACKUPS: self.backups, Purpose.PHOTOS: self.photos}
        replicas = [
            self._replica(name, purpose, sources[purpose], region, logs)
            for purpose in REPLICA_PLANS
            if purpose in args.replicated
        ]
        replica_of = {replica.purpose: replica.pair.replica for replica in replicas}
        self.replica = replica_of.get(Purpose.BACKUPS)
        self.photos_replica = replica_of.get(Purpose.PHOTOS)
        role = replication_role(f"{name}-replication", [r.pair for r in replicas], args.tags, self)
        self.replication_role = role
        for replica in replicas:
            replication_config(
                f"{name}-{replica.plan.replication}", replica.pair, role, replica.plan, self
            )
        return Replication(role, replicas)

    def _replica(
        self,
        name: str,
        purpose: Purpose,
        source: HardenedBucket,
        region: str,
        logs: HardenedBucket,
    ) -> Replica:
        plan = REPLICA_PLANS[purpose]
        key_name = f"{name}-{plan.key}"
        key = kms_key(key_name, region, self._args.tags, self._args.protect, self)
        # Hardened like its source and keeping its retention; locked objects replicate
        # only into a bucket that can lock them too.
        bucket = HardenedBucket(
            f"{name}-{plan.bucket}",
            replace(source.args, region=region, kms_key_arn=key.arn, log_bucket=logs.bucket.id),
            pulumi.ResourceOptions(parent=self),
        )
        pair = ReplicatedPair(
            source=source,
            replica=bucket,
            source_key_arn=self.key.arn,
            replica_key_arn=key.arn,
            source_region=self._args.region,
            replica_region=region,
            object_lock=source.args.object_lock_days is not None,
        )
        return Replica(purpose, plan, key_name, key, pair)

    def key_grants(self, ops_role_arn: pulumi.Input[str]) -> list[KeyGrants]:
        """Who uses each of the storage keys: the ops role and the replication role, no one else.

        The ops role writes photos and backups under the Zurich key and reads the replicas
        when a restore needs them; the replication role reads sources and writes replicas.
        """
        zurich = [KeyUse(ops_role_arn, WRITE, "OpsRoleUsesKeyThroughS3")]
        replica_grants: list[KeyGrants] = []
        if self._replication is not None:
            role_arn = self._replication.role.arn
            zurich.append(KeyUse(role_arn, READ, "ReplicationReadsSources"))
            uses = (
                KeyUse(role_arn, REPLICATE_INTO, "ReplicationWritesReplicas"),
                KeyUse(ops_role_arn, READ, "OpsRoleRestoresFromReplica"),
            )
            replica_grants = [
                KeyGrants(replica.key_name, replica.key, replica.pair.replica_region, uses)
                for replica in self._replication.replicas
            ]
        zurich_grants = KeyGrants(f"{self._name}-key", self.key, self._args.region, tuple(zurich))
        return [zurich_grants, *replica_grants]

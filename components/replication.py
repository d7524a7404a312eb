"""How S3 replicates the Zurich buckets into their replicas: the buckets' keys, the one role
S3 replicates with, and each source's replication configuration. The replica buckets
themselves are components.storage's, made as its table (components.purposes) says.

Sources for the S3 behaviour relied on here:
- replication configuration V2 (Filter, DeleteMarkerReplication, SourceSelectionCriteria,
  ReplicationTime with Metrics):
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html
- replication keeps each object's version ID in the replica, so a manifest's version IDs
  name the replica's copies too:
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html
- S3 never replicates deletes of a version (a `DeleteObject` with a version ID); delete
  markers only when DeleteMarkerReplication is Enabled:
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html
- the role's permissions for SSE-KMS objects (Decrypt on the source key, Encrypt on the
  destination key, both through S3 of the key's region):
  https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html
- Replication Time Control replicates 99.99% of objects within 15 minutes, the only
  threshold S3 offers ("Valid value: 15"), and needs replication metrics with the same
  15 minutes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html,
  https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationTimeValue.html
pulumi-aws v7: `aws.s3.BucketReplicationConfig`
(pulumi/pulumi-aws, sdk/python/pulumi_aws/s3/bucket_replication_config.py).
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.bucket import HardenedBucket
from components.purposes import ReplicaPlan


@dataclass(frozen=True)
class ReplicatedPair:
    """A Zurich bucket, its replica, and the two keys the role needs."""

    source: HardenedBucket
    replica: HardenedBucket
    source_key_arn: pulumi.Input[str]
    replica_key_arn: pulumi.Input[str]
    source_region: str
    replica_region: str
    object_lock: bool


def kms_key(
    name: str, region: str, tags: Mapping[str, str], protect: bool, parent: pulumi.Resource
) -> aws.kms.Key:
    # The key's policy is attached by components.key_policy once its users exist.
    return aws.kms.Key(
        name,
        region=region,
        description=f"CRMS bucket encryption ({name})",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent, protect=protect),
    )


def replication_role(
    name: str, pairs: Sequence[ReplicatedPair], tags: Mapping[str, str], parent: pulumi.Resource
) -> aws.iam.Role:
    role = aws.iam.Role(
        name,
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
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    aws.iam.RolePolicy(
        name,
        role=role.id,
        policy=pulumi.Output.json_dumps(
            {"Version": "2012-10-17", "Statement": replication_statements(pairs)}
        ),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return role


def replication_statements(pairs: Sequence[ReplicatedPair]) -> list[dict[str, object]]:
    """Only what S3 replication uses, for a same-account rule (no owner override)."""
    statements: list[dict[str, object]] = []
    for pair in pairs:
        source, replica = pair.source.bucket.arn, pair.replica.bucket.arn
        read = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl"]
        read.append("s3:GetObjectVersionTagging")
        if pair.object_lock:  # retention and legal holds travel with locked objects
            read += ["s3:GetObjectRetention", "s3:GetObjectLegalHold"]
        statements += [
            {
                "Effect": "Allow",
                "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                "Resource": source,
            },
            {"Effect": "Allow", "Action": read, "Resource": pulumi.Output.concat(source, "/*")},
            {
                "Effect": "Allow",
                "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                "Resource": pulumi.Output.concat(replica, "/*"),
            },
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": pair.source_key_arn,
                "Condition": {
                    "StringEquals": {"kms:ViaService": f"s3.{pair.source_region}.amazonaws.com"}
                },
            },
            {
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": pair.replica_key_arn,
                "Condition": {
                    "StringEquals": {"kms:ViaService": f"s3.{pair.replica_region}.amazonaws.com"}
                },
            },
        ]
    return statements


def replication_config(
    name: str,
    pair: ReplicatedPair,
    role: aws.iam.Role,
    plan: ReplicaPlan,
    parent: pulumi.Resource,
) -> aws.s3.BucketReplicationConfig:
    destination: aws.s3.BucketReplicationConfigRuleDestinationArgsDict = {
        "bucket": pair.replica.bucket.arn,
        "storage_class": plan.storage_class,
        "encryption_configuration": {"replica_kms_key_id": pair.replica_key_arn},
    }
    if plan.within_15_minutes:
        destination["replication_time"] = {"status": "Enabled", "time": {"minutes": 15}}
        destination["metrics"] = {"status": "Enabled", "event_threshold": {"minutes": 15}}
    status = "Enabled" if plan.replicate_delete_markers else "Disabled"
    return aws.s3.BucketReplicationConfig(
        name,
        bucket=pair.source.bucket.id,
        region=pair.source_region,
        role=role.arn,
        rules=[
            {
                "id": plan.rule_id,
                "status": "Enabled",
                "filter": {},  # an empty filter: the V2 schema, every object
                "delete_marker_replication": {"status": status},
                "source_selection_criteria": {"sse_kms_encrypted_objects": {"status": "Enabled"}},
                "destination": destination,
            }
        ],
        # Replication needs versioning on both sides first.
        opts=pulumi.ResourceOptions(
            parent=parent, depends_on=[pair.source.versioning, pair.replica.versioning]
        ),
    )

"""A bucket's place in the report: its role, encryption, retention and replicas.

S3 keeps each of these in a configuration resource of its own (pulumi-aws v7), which
names the bucket by its ID; they are gathered here.
"""

from typing import Any

from crms_infra.plan_model import at
from crms_infra.residency.links import PlanIndex, Resource, as_list
from crms_infra.residency.locations import aws_location

BUCKET = "aws:s3/bucket:Bucket"
KMS_KEY = "aws:kms/key:Key"
ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
)
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
OBJECT_LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"


def describe(index: PlanIndex, bucket: Resource) -> dict[str, Any]:
    region = str(bucket["inputs"].get("region"))
    return {
        "locations": [aws_location(region)],
        "classification": _classification(index, bucket),
        "encryption": encryption(index, bucket),
        "retention": _retention(index, bucket),
        "replication": [
            f"{target['name']} in {target['inputs'].get('region')}"
            for target in replicas(index, bucket)
        ],
    }


def _classification(index: PlanIndex, bucket: Resource) -> str:
    tag = at(bucket["inputs"], "tags", "data-classification") or "untagged"
    sources = [
        source["name"]
        for source in index.of_type(BUCKET)
        if any(target is bucket for target in replicas(index, source))
    ]
    logged = sorted(
        source["name"]
        for logging in index.of_type(LOGGING)
        if index.resolve(logging["inputs"].get("targetBucket"), BUCKET) is bucket
        and (source := index.resolve(logging["inputs"].get("bucket"), BUCKET)) is not None
    )
    if sources:
        role = f"replica of {', '.join(sources)}"
    elif logged:
        role = f"access logs of {', '.join(logged)} (requesters, object keys)"
    else:
        role = "primary copy"
    return f"{tag}: {role}"


def encryption(index: PlanIndex, bucket: Resource) -> str:
    for config in index.configurations_of(bucket, ENCRYPTION):
        for rule in as_list(config["inputs"].get("rules")):
            default = at(rule, "applyServerSideEncryptionByDefault")
            algorithm = at(default, "sseAlgorithm")
            if algorithm in ("aws:kms", "aws:kms:dsse"):
                key = index.resolve(at(default, "kmsMasterKeyId"), KMS_KEY)
                if key is None:
                    return "SSE-KMS with a key outside this stack"
                region = key["inputs"].get("region")
                return (
                    f"SSE-KMS, customer-managed key {key['name']} in {region}, "
                    "held by the stack's AWS account"
                )
            if algorithm == "AES256":
                return "SSE-S3 (AES-256), key held by AWS"
    return "none configured"


def versioning(index: PlanIndex, bucket: Resource) -> str:
    statuses = [
        at(config["inputs"], "versioningConfiguration", "status")
        for config in index.configurations_of(bucket, VERSIONING)
    ]
    return f"versioning {', '.join(map(str, statuses)) or 'not configured'}"


def lock(index: PlanIndex, bucket: Resource) -> str:
    for config in index.configurations_of(bucket, OBJECT_LOCK):
        retention = at(config["inputs"], "rule", "defaultRetention")
        if retention:
            return f"locked {at(retention, 'days')} days ({at(retention, 'mode')} mode)"
    return (
        "object lock on, no default retention"
        if bucket["inputs"].get("objectLockEnabled")
        else "no lock"
    )


def _retention(index: PlanIndex, bucket: Resource) -> str:
    parts = []
    for config in index.configurations_of(bucket, LIFECYCLE):
        for rule in as_list(config["inputs"].get("rules")):
            if at(rule, "status") != "Enabled":
                continue
            if expiration := at(rule, "expiration", "days"):
                parts.append(f"objects expire after {expiration} days")
            if noncurrent := at(rule, "noncurrentVersionExpiration", "noncurrentDays"):
                parts.append(f"replaced or deleted versions kept {noncurrent} days")
            for transition in as_list(at(rule, "transitions")):
                parts.append(
                    f"to {at(transition, 'storageClass')} after {at(transition, 'days')} days"
                )
    if (locked := lock(index, bucket)).startswith("locked"):
        parts.append(locked)
    return "; ".join(parts) or "kept until deleted"


def replicas(index: PlanIndex, bucket: Resource) -> list[Resource]:
    targets = []
    for config in index.configurations_of(bucket, REPLICATION):
        for rule in as_list(config["inputs"].get("rules")):
            if at(rule, "status") == "Enabled":
                target = index.resolve(at(rule, "destination", "bucket"), BUCKET)
                if target is not None:
                    targets.append(target)
    return targets

"""Storage on mocks: every hardening property per bucket and per stack."""

import json
from typing import Any

import pytest

from components.purposes import PURPOSE_TAG, Purpose
from tests.conftest import STACKS
from tests.helpers import by_name, config_of, inputs_of, load, resources

BUCKETS = ("storage-photos", "storage-backups", "storage-access-logs")
TAG_KEYS = {"project", "environment", "data-classification"}


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("bucket", BUCKETS)
def test_every_bucket_is_private_versioned_encrypted_and_tls_only(stack: str, bucket: str) -> None:
    assert by_name(stack, "aws:s3/bucket:Bucket")[bucket]["inputs"]["region"] == "eu-central-2"
    assert config_of(stack, "bucketVersioning", bucket)["versioningConfiguration"] == {
        "status": "Enabled"
    }
    block = config_of(stack, "bucketPublicAccessBlock", bucket)
    for setting in (
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
    ):
        assert block[setting] is True
    ownership = config_of(stack, "bucketOwnershipControls", bucket)
    assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    (deny,) = [
        s
        for s in json.loads(config_of(stack, "bucketPolicy", bucket)["policy"])["Statement"]
        if s["Effect"] == "Deny"
    ]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == [f"arn:aws:s3:::{bucket}-mock", f"arn:aws:s3:::{bucket}-mock/*"]
    (rule,) = config_of(stack, "bucketServerSideEncryptionConfiguration", bucket)["rules"]
    default = rule["applyServerSideEncryptionByDefault"]
    if bucket == "storage-access-logs":
        assert default == {"sseAlgorithm": "AES256"}  # what S3 log delivery requires
    else:
        assert default["sseAlgorithm"] == "aws:kms"
        assert default["kmsMasterKeyId"].startswith("arn:aws:kms:eu-central-2:")
        assert rule["bucketKeyEnabled"] is True


@pytest.mark.parametrize("stack", STACKS)
def test_lifecycle_follows_the_stack_retention(stack: str) -> None:
    storage = load(stack).storage
    for bucket in BUCKETS:
        (rule,) = config_of(stack, "bucketLifecycleConfiguration", bucket)["rules"]
        assert rule["status"] == "Enabled"
        assert rule["noncurrentVersionExpiration"] == {
            "noncurrentDays": storage.noncurrent_version_days
        }
    (backups,) = config_of(stack, "bucketLifecycleConfiguration", "storage-backups")["rules"]
    assert backups["transitions"] == [
        {"days": storage.backups_cold_after_days, "storageClass": "GLACIER_IR"}
    ]
    (logs,) = config_of(stack, "bucketLifecycleConfiguration", "storage-access-logs")["rules"]
    assert logs["expiration"]["days"] == storage.access_log_retention_days >= 365


@pytest.mark.parametrize("stack", STACKS)
def test_photos_and_backups_log_access_to_the_log_bucket(stack: str) -> None:
    for bucket in ("storage-photos", "storage-backups"):
        logging = config_of(stack, "bucketLogging", bucket)
        assert logging["targetBucket"] == "storage-access-logs-mock"
    logs_policy = json.loads(config_of(stack, "bucketPolicy", "storage-access-logs")["policy"])
    (delivery,) = [s for s in logs_policy["Statement"] if s["Effect"] == "Allow"]
    assert delivery["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert delivery["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"


def replication_of(stack: str, bucket: str) -> dict[str, Any]:
    return config_of(stack, "bucketReplicationConfig", bucket)


def test_prod_locks_and_replicates_backups() -> None:
    lock = config_of("prod", "bucketObjectLockConfiguration", "storage-backups")
    assert lock["rule"]["defaultRetention"] == {
        "mode": "COMPLIANCE",
        "days": load("prod").storage.backups_object_lock_days,
    }
    buckets = by_name("prod", "aws:s3/bucket:Bucket")
    assert inputs_of(buckets["storage-backups"])["objectLockEnabled"] is True
    replica = buckets["storage-backups-replica"]
    assert inputs_of(replica)["region"] == "eu-central-1"
    assert inputs_of(replica)["objectLockEnabled"] is True
    (rule,) = replication_of("prod", "storage-backups")["rules"]
    assert rule["destination"]["bucket"] == "arn:aws:s3:::storage-backups-replica-mock"
    assert rule["destination"]["encryptionConfiguration"]["replicaKmsKeyId"].startswith(
        "arn:aws:kms:eu-central-1:"
    )


@pytest.mark.parametrize("stack", ["dev", "staging"])
def test_other_stacks_neither_lock_nor_replicate(stack: str) -> None:
    assert not resources(
        stack, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
    )
    assert not resources(stack, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    buckets = by_name(stack, "aws:s3/bucket:Bucket")
    assert not {"storage-backups-replica", "storage-photos-replica"} & set(buckets)
    assert "storage-replica-access-logs" not in buckets


def test_stateful_storage_is_protected_in_prod_only() -> None:
    for stack, expected in (("prod", True), ("dev", False)):
        for resource in resources(stack, "aws:s3/bucket:Bucket") + resources(
            stack, "aws:kms/key:Key"
        ):
            assert resource["protect"] is expected, (stack, resource["name"])


@pytest.mark.parametrize("stack", STACKS)
def test_keys_rotate_and_taggable_resources_carry_the_tags(stack: str) -> None:
    for key in resources(stack, "aws:kms/key:Key"):
        assert inputs_of(key)["enableKeyRotation"] is True
    taggable = ("aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:iam/role:Role")
    for resource in resources(stack):
        if resource["type"] in taggable:
            tags = inputs_of(resource)["tags"]
            assert set(tags) - {PURPOSE_TAG} == TAG_KEYS, resource["name"]
            assert tags["environment"] == load(stack).environment.value
            # Every bucket says what it holds: the policy pack finds the backups by it.
            if resource["type"] == "aws:s3/bucket:Bucket":
                (expected,) = [p for p in Purpose if p.value in resource["name"]]
                assert tags[PURPOSE_TAG] == expected.value, resource["name"]

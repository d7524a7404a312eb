"""Replicas on mocks: prod replicates photos and backups to Frankfurt, each replica logs in
its own region, and the replication role holds only what replication uses."""

from typing import Any

import pytest

from tests.helpers import by_name, config_of, load, policy_document, resources

REPLICAS = ("storage-photos-replica", "storage-backups-replica")


def test_photos_replicate_to_frankfurt_within_15_minutes_without_delete_markers() -> None:
    assert load("prod").storage.photos_replication is True
    replica = by_name("prod", "aws:s3/bucket:Bucket")["storage-photos-replica"]["inputs"]
    assert replica["region"] == "eu-central-1"
    assert replica["objectLockEnabled"] is False
    config = config_of("prod", "bucketReplicationConfig", "storage-photos")
    assert config["region"] == "eu-central-2"
    (rule,) = config["rules"]
    assert rule["status"] == "Enabled"
    assert rule["filter"] == {}
    assert rule["deleteMarkerReplication"] == {"status": "Disabled"}
    assert rule["sourceSelectionCriteria"] == {"sseKmsEncryptedObjects": {"status": "Enabled"}}
    destination = rule["destination"]
    assert destination["bucket"] == "arn:aws:s3:::storage-photos-replica-mock"
    assert destination["replicationTime"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert destination["metrics"] == {"status": "Enabled", "eventThreshold": {"minutes": 15}}
    photos_replica_key = by_name("prod", "aws:kms/key:Key")["storage-photos-replica-key"]
    assert photos_replica_key["inputs"]["region"] == "eu-central-1"
    assert destination["encryptionConfiguration"]["replicaKmsKeyId"] == (
        "arn:aws:kms:eu-central-1:123456789012:storage-photos-replica-key"
    )


@pytest.mark.parametrize("replica", REPLICAS)
def test_every_replica_is_hardened_and_logs_in_its_own_region(replica: str) -> None:
    encryption = config_of("prod", "bucketServerSideEncryptionConfiguration", replica)
    (rule,) = encryption["rules"]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert config_of("prod", "bucketVersioning", replica)["versioningConfiguration"] == {
        "status": "Enabled"
    }
    assert config_of("prod", "bucketPublicAccessBlock", replica)["restrictPublicBuckets"] is True
    logging = config_of("prod", "bucketLogging", replica)
    assert logging["targetBucket"] == "storage-replica-access-logs-mock"
    assert logging["region"] == "eu-central-1"
    logs = by_name("prod", "aws:s3/bucket:Bucket")["storage-replica-access-logs"]["inputs"]
    assert logs["region"] == "eu-central-1"
    (logs_rule,) = config_of(
        "prod", "bucketServerSideEncryptionConfiguration", "storage-replica-access-logs"
    )["rules"]
    assert logs_rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}


def _replication_statements() -> list[dict[str, Any]]:
    (policy,) = [
        r
        for r in resources("prod", "aws:iam/rolePolicy:RolePolicy")
        if r["name"] == "storage-replication"
    ]
    statements: list[dict[str, Any]] = policy_document(policy)["Statement"]
    return statements


def test_the_replication_role_grants_only_what_replication_uses() -> None:
    actions = {a for s in _replication_statements() for a in _as_list(s["Action"])}
    assert "s3:ObjectOwnerOverrideToBucketOwner" not in actions
    assert not any(a.endswith("*") for a in actions)
    # Object Lock reads only for the locked backups, not for photos.
    photos_reads = [
        s
        for s in _replication_statements()
        if s["Resource"] == "arn:aws:s3:::storage-photos-mock/*"
    ]
    (read,) = photos_reads
    assert "s3:GetObjectRetention" not in read["Action"]
    kms = [s for s in _replication_statements() if str(s["Action"]).startswith(("kms", "['kms"))]
    assert len(kms) == 4  # decrypt each source, encrypt into each replica
    for statement in kms:
        (service,) = statement["Condition"]["StringEquals"].values()
        assert service in {"s3.eu-central-2.amazonaws.com", "s3.eu-central-1.amazonaws.com"}


def _as_list(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize(("stack", "replicas"), [("prod", {"Photos", "Backups"}), ("dev", set())])
def test_the_ops_role_reads_the_replicas_a_restore_falls_back_on(
    stack: str, replicas: set[str]
) -> None:
    policy = by_name(stack, "aws:iam/rolePolicy:RolePolicy")["identity-app"]
    statements = {s["Sid"]: s for s in policy_document(policy)["Statement"]}
    assert {sid.removesuffix("ReplicaRead") for sid in statements if "ReplicaRead" in sid} == (
        replicas
    )
    for what in replicas:
        read = statements[f"{what}ReplicaRead"]
        bucket = f"arn:aws:s3:::storage-{what.lower()}-replica-mock"
        assert read["Resource"] == f"{bucket}/*"
        assert read["Action"] == [
            "s3:GetObject",
            "s3:GetObjectVersion",
            "s3:GetObjectVersionTagging",
        ]
        assert statements[f"{what}ReplicaList"]["Resource"] == bucket
    photos = statements["PhotosReadWrite"]["Action"]
    assert {"s3:PutObjectTagging", "s3:GetObjectVersionTagging"} <= set(photos)

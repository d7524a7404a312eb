"""Storage built alone from its args, on the mock engine: what its attributes hold."""

from typing import Any

import pulumi
import pytest

from components.purposes import PURPOSE_TAG, Purpose
from components.storage import Storage, StorageArgs

TAGS = {"project": "crms", "environment": "test", "data-classification": "confidential"}


def storage_args(**changes: Any) -> StorageArgs:
    args: dict[str, Any] = {
        "region": "eu-central-2",
        "tags": TAGS,
        "noncurrent_version_days": 30,
        "backups_cold_after_days": 30,
        "backups_object_lock_days": 35,
        "replication_region": "eu-central-1",
        "replicated": frozenset({Purpose.BACKUPS}),
        "access_log_retention_days": 400,
        "protect": False,
    }
    return StorageArgs(**{**args, **changes})


@pytest.mark.usefixtures("mocks")
@pulumi.runtime.test
def test_each_bucket_is_tagged_with_what_it_holds() -> pulumi.Output[None]:
    storage = Storage("storage", storage_args())
    assert storage.replica is not None
    assert storage.photos_replica is None  # photos not replicated: no replica

    def check(args: list[Any]) -> None:
        photos, backups, replica, logs = args
        assert {**TAGS, PURPOSE_TAG: Purpose.PHOTOS.value}.items() <= photos.items()
        assert backups[PURPOSE_TAG] == Purpose.BACKUPS.value
        assert replica[PURPOSE_TAG] == Purpose.BACKUPS.value  # a replica holds its source's
        assert logs[PURPOSE_TAG] == Purpose.ACCESS_LOGS.value

    return pulumi.Output.all(
        storage.photos.bucket.tags,
        storage.backups.bucket.tags,
        storage.replica.bucket.tags,
        storage.access_logs.bucket.tags,
    ).apply(check)


@pytest.mark.usefixtures("mocks")
@pulumi.runtime.test
def test_only_the_backups_are_locked_and_the_replica_is_in_its_region() -> pulumi.Output[None]:
    storage = Storage("storage", storage_args())
    assert storage.replica is not None

    def check(args: list[Any]) -> None:
        photos_locked, backups_locked, replica_region, backups_region = args
        assert (photos_locked, backups_locked) == (False, True)
        assert (backups_region, replica_region) == ("eu-central-2", "eu-central-1")

    return pulumi.Output.all(
        storage.photos.bucket.object_lock_enabled,
        storage.backups.bucket.object_lock_enabled,
        storage.replica.bucket.region,
        storage.backups.bucket.region,
    ).apply(check)


@pytest.mark.usefixtures("mocks")
def test_without_replication_there_is_no_replica_or_role() -> None:
    storage = Storage("storage", storage_args(replication_region=None))
    assert (storage.replica, storage.photos_replica, storage.replication_role) == (None, None, None)

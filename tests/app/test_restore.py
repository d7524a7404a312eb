"""`python -m app.operators.backup restore` against moto in server mode, and the disaster drill."""

import itertools
import uuid
from typing import TYPE_CHECKING

import pytest

from app.jobs import backup
from app.jobs.manifest import RESTORED_FROM_TAG, read_manifest
from app.operators import backup as backup_command
from app.operators import restore
from benchmarks import dr_drill, dr_drill_buckets
from tests.helpers import BACKUP_NOW as NOW

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


@pytest.fixture
def drill_buckets(
    aws_env: str,  # noqa: ARG001 (needed for its environment)
    monkeypatch: pytest.MonkeyPatch,
) -> tuple["S3Client", dr_drill_buckets.Buckets]:
    client = backup.s3_client()
    suffix = uuid.uuid4().hex[:10]
    buckets = dr_drill_buckets.Buckets(
        f"photos-{suffix}", f"backups-{suffix}", f"replica-{suffix}", f"rebuilt-{suffix}"
    )
    dr_drill_buckets.create_buckets(client, buckets)
    monkeypatch.setenv("PHOTOS_BUCKET", buckets.photos)
    monkeypatch.setenv("BACKUPS_BUCKET", buckets.backups)
    monkeypatch.setenv("PHOTOS_REPLICA_BUCKET", buckets.replica)
    return client, buckets


def struck(
    client: "S3Client", buckets: dr_drill_buckets.Buckets, count: int, *, replicated: bool = True
) -> str:
    """`count` photos (replicated), a manifest of them, then the disaster; the manifest key."""
    if replicated:
        dr_drill_buckets.seed_replicated(buckets, count)
    else:
        for index in range(count):
            key, body = dr_drill_buckets.photo(index)
            client.put_object(Bucket=buckets.photos, Key=key, Body=body)
    manifest = backup.run(client, buckets.photos, buckets.backups, NOW).manifest_key
    dr_drill_buckets.disaster(client, buckets.photos, count)
    return manifest


def problems(
    client: "S3Client", bucket: str, buckets: dr_drill_buckets.Buckets, manifest: str
) -> int:
    return dr_drill.problems(client, bucket, buckets, manifest)


def test_dry_run_lists_the_copies_and_changes_nothing(
    drill_buckets: tuple["S3Client", dr_drill_buckets.Buckets], capsys: pytest.CaptureFixture[str]
) -> None:
    client, buckets = drill_buckets
    manifest = struck(client, buckets, 30)
    assert backup_command.main(["restore", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert sum(line.startswith("would copy ") for line in out.splitlines()) == 20
    assert "would copy vehicles/000000.jpg version " in out
    assert f"from s3://{buckets.photos} (missing)" in out
    assert f"from s3://{buckets.photos} (changed)" in out
    assert "30 checked, would copy 20, 0 unrecoverable" in out
    assert problems(client, buckets.photos, buckets, manifest) == 20  # nothing was touched


def test_restore_ends_with_a_clean_verify_and_tags_each_copy(
    drill_buckets: tuple["S3Client", dr_drill_buckets.Buckets], capsys: pytest.CaptureFixture[str]
) -> None:
    client, buckets = drill_buckets
    manifest = struck(client, buckets, 30)
    assert backup_command.main(["restore", "--manifest", manifest]) == 0
    out = capsys.readouterr().out
    assert "30 checked, copied 20, 0 unrecoverable" in out
    assert "0 problem(s)" in out
    _, recorded = read_manifest(client, buckets.backups, manifest)
    first = next(recorded)  # vehicles/000000.jpg: deleted, then restored
    tags = client.get_object_tagging(Bucket=buckets.photos, Key=first.key)["TagSet"]
    assert tags == [{"Key": RESTORED_FROM_TAG, "Value": first.version_id}]
    restored = client.get_object(Bucket=buckets.photos, Key=first.key)["Body"].read()
    assert restored == dr_drill_buckets.photo(0)[1]


def test_a_rerun_after_a_crash_finishes_the_job_and_touches_nothing_right(
    drill_buckets: tuple["S3Client", dr_drill_buckets.Buckets],
) -> None:
    client, buckets = drill_buckets
    manifest = struck(client, buckets, 90)
    _, recorded = read_manifest(client, buckets.backups, manifest)
    crashed = restore.restore(
        client, itertools.islice(recorded, 45), target=buckets.photos, source=buckets.photos,
        replica=None,
    )  # fmt: skip
    assert (crashed.checked, crashed.copied) == (45, 30)
    _, recorded = read_manifest(client, buckets.backups, manifest)
    rerun = restore.restore(
        client, recorded, target=buckets.photos, source=buckets.photos, replica=None
    )
    assert (rerun.checked, rerun.copied) == (90, 30)
    versions_before = _version_count(client, buckets.photos)
    _, recorded = read_manifest(client, buckets.backups, manifest)
    again = restore.restore(
        client, recorded, target=buckets.photos, source=buckets.photos, replica=None
    )
    assert again.copied == 0
    assert _version_count(client, buckets.photos) == versions_before
    assert problems(client, buckets.photos, buckets, manifest) == 0


def test_a_copy_known_only_by_its_tag_counts_as_restored(
    drill_buckets: tuple["S3Client", dr_drill_buckets.Buckets],
) -> None:
    """Under SSE-KMS a copy's ETag is no MD5: the restore's tag is what names it."""
    client, buckets = drill_buckets
    key, body = dr_drill_buckets.photo(1)
    version = client.put_object(Bucket=buckets.photos, Key=key, Body=body)["VersionId"]
    manifest = backup.run(client, buckets.photos, buckets.backups, NOW).manifest_key
    same_size = b"#" * len(body)  # a different ETag, as a KMS-encrypted copy would have
    client.put_object(Bucket=buckets.photos, Key=key, Body=same_size)
    assert problems(client, buckets.photos, buckets, manifest) == 1
    client.put_object(
        Bucket=buckets.photos, Key=key, Body=same_size, Tagging=f"{RESTORED_FROM_TAG}={version}"
    )
    assert problems(client, buckets.photos, buckets, manifest) == 0


def test_a_version_in_no_bucket_is_unrecoverable_and_the_exit_code_says_so(
    drill_buckets: tuple["S3Client", dr_drill_buckets.Buckets],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, buckets = drill_buckets
    manifest = struck(client, buckets, 6, replicated=False)
    _, recorded = read_manifest(client, buckets.backups, manifest)
    lost = next(recorded)
    client.delete_object(Bucket=buckets.photos, Key=lost.key, VersionId=lost.version_id)
    monkeypatch.delenv("PHOTOS_REPLICA_BUCKET")
    assert backup_command.main(["restore"]) == 1
    out = capsys.readouterr().out
    assert f"unrecoverable: {lost.key}: in no bucket" in out
    assert "1 unrecoverable" in out
    assert "verify" in out
    assert "1 problem(s)" in out


def test_with_the_source_bucket_gone_the_replica_fills_a_new_bucket(
    drill_buckets: tuple["S3Client", dr_drill_buckets.Buckets], capsys: pytest.CaptureFixture[str]
) -> None:
    client, buckets = drill_buckets
    manifest = struck(client, buckets, 60)
    dr_drill_buckets.lose_bucket(client, buckets.photos)
    assert backup_command.main(["restore", "--into", buckets.rebuilt]) == 0
    captured = capsys.readouterr()
    assert f"s3://{buckets.photos} is gone; every version comes from the replica" in captured.err
    assert "60 checked, copied 60, 0 unrecoverable" in captured.out
    assert problems(client, buckets.rebuilt, buckets, manifest) == 0
    key, body = dr_drill_buckets.photo(59)
    assert client.get_object(Bucket=buckets.rebuilt, Key=key)["Body"].read() == body


DRILL_PHOTOS = 600
"""The drill's own code at 600 photos: the same steps and checks as `make dr-drill`,
which runs 10,000 (several minutes against moto) and prints the figures."""


def test_the_disaster_drill(monkeypatch: pytest.MonkeyPatch) -> None:
    """`make dr-drill`'s steps, with moto seeded in its own process (bounded by a deadline)."""
    for name, value in dr_drill.MOTO_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    with dr_drill.moto_with_drill_buckets(DRILL_PHOTOS, deadline_seconds=600) as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        found = dict(dr_drill.drill(backup.s3_client(), dr_drill.BENCH, DRILL_PHOTOS))
    assert found["manifest"] == DRILL_PHOTOS
    assert found["problems after the disaster"] == 400  # a third deleted, a third overwritten
    in_place = found["restore in place"]
    assert (in_place.objects, in_place.copied) == (DRILL_PHOTOS, 400)
    assert found["problems after restore"] == 0
    assert found["rerun"].copied == 0
    from_replica = found["restore from the replica"]
    assert (from_replica.objects, from_replica.copied) == (DRILL_PHOTOS, DRILL_PHOTOS)
    assert found["problems in the new bucket"] == 0


def _version_count(client: "S3Client", bucket: str) -> int:
    pages = client.get_paginator("list_object_versions").paginate(Bucket=bucket)
    return sum(len(page.get("Versions", [])) + len(page.get("DeleteMarkers", [])) for page in pages)

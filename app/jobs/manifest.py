"""What a backup manifest is, and the two ordered streams every job walks: a manifest's
entries and a bucket's current versions (both in key order, neither held in memory)."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
else:
    S3Client = Any

MANIFEST_PREFIX = "manifests/photos/"
PAGE_SIZE = 1000  # S3's largest listing page, and its default; some fakes default lower
MANIFEST_FORMAT = 1
# A restored copy carries this tag: the manifest version it restores. A copy gets a
# version ID of its own, and under SSE-KMS an ETag that is no MD5 of the content
# (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html, ETag), so neither
# can tell a restored object from a changed one; the tag can.
RESTORED_FROM_TAG = "crms-restored-from"


class BackupError(Exception):
    """The job cannot run (configuration) or AWS refused it."""


@dataclass(frozen=True)
class Entry:
    key: str
    version_id: str
    size: int
    etag: str


@dataclass(frozen=True)
class Problem:
    kind: str  # "missing", "changed" or "unrecoverable"
    key: str
    detail: str


def current_versions(client: "S3Client", bucket: str) -> Iterator[Entry]:
    """Every object's current version, in key order, one page at a time."""
    for version in _versions(client, bucket):
        if version["IsLatest"]:
            yield _entry(version)


def versions_by_key(client: "S3Client", bucket: str) -> Iterator[tuple[str, set[str]]]:
    """Each key with the IDs of all its versions, in key order (S3 lists a key's versions
    together, newest first)."""
    key: str | None = None
    ids: set[str] = set()
    for version in _versions(client, bucket):
        if version["Key"] != key:
            if key is not None:
                yield key, ids
            key, ids = version["Key"], set()
        ids.add(version.get("VersionId", "null"))
    if key is not None:
        yield key, ids


def _versions(client: "S3Client", bucket: str) -> Iterator[Any]:
    paginator = client.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket, PaginationConfig={"PageSize": PAGE_SIZE}):
        yield from page.get("Versions", [])


def _entry(version: Any) -> Entry:
    return Entry(
        key=version["Key"],
        version_id=version.get("VersionId", "null"),
        size=version["Size"],
        etag=version["ETag"].strip('"'),
    )


def read_manifest(
    client: "S3Client", backups: str, manifest_key: str
) -> tuple[dict[str, Any], Iterator[Entry]]:
    """The manifest's header, and its entries streamed line by line."""
    body = client.get_object(Bucket=backups, Key=manifest_key)["Body"]
    lines = (line for line in body.iter_lines() if line)
    header = json.loads(next(lines, b"{}"))
    if header.get("manifest") != MANIFEST_FORMAT:
        raise BackupError(f"{manifest_key} is not a manifest of format {MANIFEST_FORMAT}")
    return header, (Entry(**json.loads(line)) for line in lines)


def is_restored_copy(client: "S3Client", bucket: str, current: Entry, recorded: Entry) -> bool:
    """Whether the current version is a restore's copy of the recorded version."""
    if current.size != recorded.size:
        return False
    tags = client.get_object_tagging(Bucket=bucket, Key=current.key, VersionId=current.version_id)
    return any(
        tag["Key"] == RESTORED_FROM_TAG and tag["Value"] == recorded.version_id
        for tag in tags.get("TagSet", [])
    )


def is_right(client: "S3Client", bucket: str, current: Entry | None, recorded: Entry) -> bool:
    """The bucket holds what the manifest recorded: that very version, or a copy of it.

    A copy keeps the ETag where the ETag is the content's MD5 (SSE-S3, no encryption);
    under SSE-KMS it does not, and the restore's tag says what the copy is."""
    if current is None or current.key != recorded.key:
        return False
    if (current.etag, current.size) == (recorded.etag, recorded.size):
        return True
    return current.version_id != recorded.version_id and is_restored_copy(
        client, bucket, current, recorded
    )


def aligned(
    recorded: Iterator[Entry], current: Iterator[Entry]
) -> Iterator[tuple[Entry, Entry | None]]:
    """Each recorded entry with the bucket's current version of its key (None if none).

    Keys added since the manifest are skipped: they are not a loss."""
    now = next(current, None)
    for entry in recorded:
        while now is not None and now.key < entry.key:
            now = next(current, None)
        yield entry, (now if now is not None and now.key == entry.key else None)


def verify(client: "S3Client", photos: str, backups: str, manifest_key: str) -> Iterator[Problem]:
    """Each missing or changed object, as the two ordered streams are walked."""
    _, recorded = read_manifest(client, backups, manifest_key)
    for entry, now in aligned(recorded, current_versions(client, photos)):
        if now is None:
            yield Problem("missing", entry.key, f"version {entry.version_id} is gone")
        elif not is_right(client, photos, now, entry):
            yield Problem(
                "changed",
                entry.key,
                f"version {entry.version_id} ({entry.size} bytes) is now "
                f"{now.version_id} ({now.size} bytes)",
            )

"""Bring a bucket back to the state a manifest describes, then verify it.

Each recorded object whose current version is not the recorded one (or a restored copy
of it) is copied back: from its recorded version in the source bucket when that version
still exists there, otherwise from the replica, where S3 replication kept the same version
ID (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html).
A copy is a new version on top (nothing is deleted) and is tagged with the version it
restores, so a rerun after a crash skips it: the job is idempotent and finishes what a
stopped run began. The manifest and both listings are streamed in key order, and at most
a bounded number of copies are in flight, so memory stays flat for any bucket size.
"""

import argparse
import os
import sys
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from app.jobs.manifest import (
    RESTORED_FROM_TAG,
    Entry,
    Problem,
    aligned,
    current_versions,
    is_right,
    read_manifest,
    verify,
    versions_by_key,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
else:
    S3Client = Any

COPY_OBJECT_LIMIT = 5 * 2**30  # CopyObject copies up to 5 GB; larger objects go in parts
GONE = {"NoSuchKey", "NoSuchVersion", "NoSuchBucket"}
PROGRESS_EVERY_SECONDS = 5.0
LARGE_COPY = TransferConfig(multipart_chunksize=64 * 2**20, max_concurrency=2)


@dataclass(frozen=True)
class Step:
    entry: Entry
    reason: str  # "missing" or "changed"
    from_bucket: str | None  # None: no bucket holds the recorded version


@dataclass
class RestoreResult:
    checked: int = 0
    copied: int = 0
    unrecoverable: int = 0
    started: float = field(default_factory=time.monotonic)
    last_progress: float = 0.0


def steps(
    client: "S3Client", recorded: Iterator[Entry], target: str, source: str, replica: str | None
) -> Iterator[tuple[Entry, Step | None]]:
    """Each recorded entry, with the step that restores it (None when it is already right)."""
    source_versions = _listing_or_nothing(client, source)
    held: tuple[str, set[str]] | None = next(source_versions, None)
    for entry, now in aligned(recorded, current_versions(client, target)):
        if is_right(client, target, now, entry):
            yield entry, None
            continue
        while held is not None and held[0] < entry.key:
            held = next(source_versions, None)
        in_source = held is not None and held[0] == entry.key and entry.version_id in held[1]
        reason = "missing" if now is None else "changed"
        yield entry, Step(entry, reason, source if in_source else replica)


def restore(
    client: "S3Client",
    recorded: Iterator[Entry],
    *,
    target: str,
    source: str,
    replica: str | None,
    dry_run: bool = False,
    workers: int = 10,  # botocore's default connection pool holds 10
) -> RestoreResult:
    result = RestoreResult()
    pending: set[Future[bool]] = set()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _, step in steps(client, recorded, target, source, replica):
            result.checked += 1
            _progress(result)
            if step is None:
                continue
            if step.from_bucket is None:
                result.unrecoverable += 1
                _print_problem(Problem("unrecoverable", step.entry.key, "in no bucket"))
            elif dry_run:
                print(
                    f"would copy {step.entry.key} version {step.entry.version_id} "
                    f"from s3://{step.from_bucket} ({step.reason})"
                )
                result.copied += 1
            else:
                if len(pending) >= workers * 4:  # bounded: memory stays flat
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    _collect(done, result)
                pending.add(pool.submit(_copy_back, client, target, step, replica))
        _collect(wait(pending).done, result)
    return result


def _copy_back(client: "S3Client", target: str, step: Step, replica: str | None) -> bool:
    assert step.from_bucket is not None
    try:
        _copy(client, target, step.entry, step.from_bucket)
        return True
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in GONE and replica is not None and step.from_bucket != replica:
            return _copy_back(client, target, Step(step.entry, step.reason, replica), None)
        detail = f"copy from s3://{step.from_bucket} failed: {code or error}"
        _print_problem(Problem("unrecoverable", step.entry.key, detail))
        return False


def _copy(client: "S3Client", target: str, entry: Entry, from_bucket: str) -> None:
    copy_source: Any = {"Bucket": from_bucket, "Key": entry.key, "VersionId": entry.version_id}
    tagging = urllib.parse.urlencode({RESTORED_FROM_TAG: entry.version_id})
    if entry.size <= COPY_OBJECT_LIMIT:
        client.copy_object(
            Bucket=target,
            Key=entry.key,
            CopySource=copy_source,
            MetadataDirective="COPY",
            TaggingDirective="REPLACE",
            Tagging=tagging,
        )
    else:  # boto3's managed copy: UploadPartCopy in parts, as S3 requires past 5 GB
        client.copy(
            copy_source, target, entry.key, ExtraArgs={"Tagging": tagging}, Config=LARGE_COPY
        )


def _collect(done: set[Future[bool]], result: RestoreResult) -> None:
    for future in done:
        if future.result():
            result.copied += 1
        else:
            result.unrecoverable += 1


def _listing_or_nothing(client: "S3Client", bucket: str) -> Iterator[tuple[str, set[str]]]:
    """The source's versions by key; nothing if the bucket is gone (then: the replica)."""
    try:
        yield from versions_by_key(client, bucket)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchBucket":
            raise
        print(f"note: s3://{bucket} is gone; every version comes from the replica", file=sys.stderr)


def _progress(result: RestoreResult) -> None:
    now = time.monotonic()
    if now - result.last_progress < PROGRESS_EVERY_SECONDS and result.checked % 10_000:
        return
    result.last_progress = now
    rate = result.checked / max(now - result.started, 1e-9)
    print(
        f"restore: {result.checked} checked ({rate:,.0f}/s), {result.copied} copied, "
        f"{result.unrecoverable} unrecoverable",
        file=sys.stderr,
        flush=True,
    )


def _print_problem(problem: Problem) -> None:
    print(f"{problem.kind}: {problem.key}: {problem.detail}", flush=True)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--manifest", help="manifest key (default: the newest)")
    parser.add_argument("--into", help="bucket to restore (default: PHOTOS_BUCKET)")
    parser.add_argument("--source", help="bucket of the recorded versions (default: manifest's)")
    parser.add_argument("--replica", help="replica of the source (default: PHOTOS_REPLICA_BUCKET)")
    parser.add_argument("--dry-run", action="store_true", help="list the copies, change nothing")


def main(
    client: "S3Client", args: argparse.Namespace, photos: str, backups: str, manifest: str
) -> int:
    """`restore`: copy back, then verify; 0 only when the bucket matches the manifest."""
    header, recorded = read_manifest(client, backups, manifest)
    target = args.into or photos
    source = args.source or str(header.get("bucket") or photos)
    replica = args.replica or os.environ.get("PHOTOS_REPLICA_BUCKET", "").strip() or None
    result = restore(
        client, recorded, target=target, source=source, replica=replica, dry_run=args.dry_run
    )
    verb = "would copy" if args.dry_run else "copied"
    seconds = time.monotonic() - result.started
    print(
        f"{manifest} into s3://{target}: {result.checked} checked, {verb} {result.copied}, "
        f"{result.unrecoverable} unrecoverable, in {seconds:.1f} s"
    )
    if args.dry_run:
        return 1 if result.unrecoverable else 0
    count = 0
    for problem in verify(client, target, backups, manifest):
        count += 1
        _print_problem(problem)
    print(f"verify {manifest} against s3://{target}: {count} problem(s)")
    return 1 if count else 0

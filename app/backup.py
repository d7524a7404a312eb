"""Backup manifests of the photos bucket.

    python -m app.backup run                 write a manifest to the backups bucket
    python -m app.backup verify [--manifest KEY]   compare a manifest (default: the newest)
    python -m app.backup restore [--manifest KEY] [--replica BUCKET] [--into BUCKET] [--dry-run]
                                             bring the bucket back to a manifest (app.restore)

`run` lists every current object version of the photos bucket (key, version,
size, checksum) and streams the lines to the backups bucket under a dated key:
the listing is never held in memory, so a bucket of any size takes the same
memory. `verify` walks a manifest and a fresh listing side by side (both are in
key order) and reports every object that is missing or changed; its exit code
is 1 if any is. Throttling and server errors are retried by botocore's standard
retry mode. Buckets come from PHOTOS_BUCKET and BACKUPS_BUCKET; the endpoint
from the standard AWS_ENDPOINT_URL when set.
"""

import argparse
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError

from app import restore as restore_job
from app.aws import RETRIES, session
from app.manifest import (
    MANIFEST_FORMAT,
    MANIFEST_PREFIX,
    BackupError,
    Entry,
    Problem,
    current_versions,
    verify,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
else:
    S3Client = Any

__all__ = ["BackupError", "Entry", "Problem", "current_versions", "main", "run", "verify"]
# Two 8 MiB parts in flight at most: the upload's memory stays flat too.
UPLOAD = TransferConfig(multipart_chunksize=8 * 2**20, max_concurrency=2)


@dataclass
class RunResult:
    manifest_key: str
    objects: int = 0
    bytes: int = 0


def s3_client() -> "S3Client":
    # The app's session: on Vercel, the role's short-lived credentials (app.aws).
    return session().client("s3", config=RETRIES)


def run(client: "S3Client", photos: str, backups: str, now: dt.datetime) -> RunResult:
    result = RunResult(f"{MANIFEST_PREFIX}{now:%Y-%m-%d}/photos-{now:%Y%m%dT%H%M%SZ}.jsonl")
    header = {"manifest": MANIFEST_FORMAT, "bucket": photos, "created_at": now.isoformat()}

    def lines() -> Iterator[bytes]:
        yield _json_line(header)
        for entry in current_versions(client, photos):
            result.objects += 1
            result.bytes += entry.size
            yield _json_line(asdict(entry))

    client.upload_fileobj(
        io.BufferedReader(_ChunkReader(lines()), buffer_size=2**20),
        backups,
        result.manifest_key,
        ExtraArgs={"ContentType": "application/x-ndjson"},
        Config=UPLOAD,
    )
    return result


def newest_manifest(client: "S3Client", backups: str) -> str:
    newest = ""
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=backups, Prefix=MANIFEST_PREFIX):
        for item in page.get("Contents", []):
            newest = max(newest, item["Key"])  # keys carry their timestamp
    if not newest:
        raise BackupError(f"no manifest under s3://{backups}/{MANIFEST_PREFIX}")
    return newest


def _json_line(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode() + b"\n"


class _ChunkReader(io.RawIOBase):
    """A readable file over an iterator of byte chunks.

    boto3's managed upload wants a file object and the standard library has no
    iterator-to-file adapter, hence these few lines.
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = chunk
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _bucket_from_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise BackupError(f"{name} is not set: name the bucket in the environment")
    return value


def report(problems: Iterator[Problem], manifest: str) -> int:
    """Print each problem and a count; the exit code is 1 if there was any."""
    count = 0
    for problem in problems:
        count += 1
        print(f"{problem.kind}: {problem.key}: {problem.detail}")
    print(f"{manifest}: {count} problem(s)")
    return 1 if count else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.backup", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="write a manifest of the photos bucket")
    check = commands.add_parser("verify", help="compare a manifest with the photos bucket")
    check.add_argument("--manifest", help="manifest key (default: the newest)")
    restore_job.add_arguments(commands.add_parser("restore", help=restore_job.__doc__))
    args = parser.parse_args(argv)
    try:
        photos = _bucket_from_env("PHOTOS_BUCKET")
        backups = _bucket_from_env("BACKUPS_BUCKET")
        client = s3_client()
        if args.command == "run":
            result = run(client, photos, backups, dt.datetime.now(dt.UTC))
            print(f"wrote s3://{backups}/{result.manifest_key}: {result.objects} objects")
            return 0
        manifest = args.manifest or newest_manifest(client, backups)
        if args.command == "restore":
            return restore_job.main(client, args, photos, backups, manifest)
        return report(verify(client, photos, backups, manifest), manifest)
    except BackupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (BotoCoreError, ClientError) as error:
        print(f"error: AWS refused the backup job: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""Backup manifests of the photos bucket, for operators.

    python -m app.operators.backup run       write a manifest to the backups bucket
    python -m app.operators.backup verify [--manifest KEY]
                                             compare a manifest (default: the newest)
    python -m app.operators.backup restore [--manifest KEY] [--replica BUCKET]
                                           [--into BUCKET] [--dry-run]
                                             bring the bucket back to a manifest
                                             (app.operators.restore)

`run` is the nightly job (app.jobs.backup) run by hand. `verify` walks a manifest
and a fresh listing side by side (both are in key order) and reports every object
that is missing or changed; its exit code is 1 if any is. Buckets come from
PHOTOS_BUCKET and BACKUPS_BUCKET; the endpoint from the standard AWS_ENDPOINT_URL
when set.
"""

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from app.jobs.backup import run, s3_client
from app.jobs.manifest import MANIFEST_PREFIX, BackupError, Problem, verify
from app.operators import restore as restore_job

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
else:
    S3Client = Any


def newest_manifest(client: "S3Client", backups: str) -> str:
    newest = ""
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=backups, Prefix=MANIFEST_PREFIX):
        for item in page.get("Contents", []):
            newest = max(newest, item["Key"])  # keys carry their timestamp
    if not newest:
        raise BackupError(f"no manifest under s3://{backups}/{MANIFEST_PREFIX}")
    return newest


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
    parser = argparse.ArgumentParser(prog="python -m app.operators.backup", description=__doc__)
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

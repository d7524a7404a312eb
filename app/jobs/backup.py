"""The nightly backup: a manifest of the photos bucket, written to the backups bucket.

`run` lists every current object version of the photos bucket (key, version,
size, checksum) and streams the lines to the backups bucket under a dated key:
the listing is never held in memory, so a bucket of any size takes the same
memory. Throttling and server errors are retried by botocore's standard retry
mode. The backup cron route runs it (app.routes.web); operators run it,
verify a manifest and restore from one with `python -m app.operators.backup`.
"""

import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from boto3.s3.transfer import TransferConfig

from app.aws import RETRIES, session
from app.jobs.manifest import MANIFEST_FORMAT, MANIFEST_PREFIX, current_versions

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
else:
    S3Client = Any

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


def run(
    client: "S3Client",
    photos: str,
    backups: str,
    now: dt.datetime,
    checkpoint: Callable[[], None] = lambda: None,
) -> RunResult:
    """Writes the manifest; `checkpoint` runs before each line is handed to the upload (and
    once after the last): the cron route's lease check, which stops a run that lost its lock
    before its next write. An exception there aborts the upload, so no manifest is made."""
    result = RunResult(f"{MANIFEST_PREFIX}{now:%Y-%m-%d}/photos-{now:%Y%m%dT%H%M%SZ}.jsonl")
    header = {"manifest": MANIFEST_FORMAT, "bucket": photos, "created_at": now.isoformat()}

    def lines() -> Iterator[bytes]:
        checkpoint()
        yield _json_line(header)
        for entry in current_versions(client, photos):
            result.objects += 1
            result.bytes += entry.size
            checkpoint()
            yield _json_line(asdict(entry))
        checkpoint()

    client.upload_fileobj(
        io.BufferedReader(_ChunkReader(lines()), buffer_size=2**20),
        backups,
        result.manifest_key,
        ExtraArgs={"ContentType": "application/x-ndjson"},
        Config=UPLOAD,
    )
    return result


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

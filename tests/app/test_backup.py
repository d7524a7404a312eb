"""The backup job against moto in server mode: manifests over real HTTP."""

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders

from app.jobs import backup
from app.jobs.manifest import verify
from app.operators import backup as backup_command
from tests.helpers import BACKUP_NOW as NOW
from tests.local_services import seed_objects

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


@pytest.fixture
def buckets(
    aws_env: str,  # noqa: ARG001 (needed for its environment)
    monkeypatch: pytest.MonkeyPatch,
) -> tuple["S3Client", str, str]:
    client = backup.s3_client()
    suffix = uuid.uuid4().hex[:10]
    photos, backups = f"photos-{suffix}", f"backups-{suffix}"
    for name in (photos, backups):
        client.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-2"}
        )
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    monkeypatch.setenv("PHOTOS_BUCKET", photos)
    monkeypatch.setenv("BACKUPS_BUCKET", backups)
    return client, photos, backups


def put_photos(client: "S3Client", bucket: str, count: int) -> None:
    def put(index: int) -> None:
        client.put_object(Bucket=bucket, Key=f"vehicles/{index:06d}.jpg", Body=b"x" * (index % 97))

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(put, range(count)))


def test_run_then_verify_is_clean(
    buckets: tuple["S3Client", str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    client, photos, backups = buckets
    put_photos(client, photos, 40)
    client.put_object(Bucket=photos, Key="vehicles/000001.jpg", Body=b"second version")
    result = backup.run(client, photos, backups, NOW)
    assert result.manifest_key == "manifests/photos/2026-11-25/photos-20261125T030000Z.jsonl"
    assert result.objects == 40
    lines = client.get_object(Bucket=backups, Key=result.manifest_key)["Body"].read().splitlines()
    assert len(lines) == 41  # header + one line per current version
    assert list(verify(client, photos, backups, result.manifest_key)) == []
    assert backup_command.main(["verify"]) == 0
    assert "0 problem(s)" in capsys.readouterr().out


def test_deleted_and_changed_objects_are_both_reported(
    buckets: tuple["S3Client", str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    client, photos, _ = buckets
    put_photos(client, photos, 10)
    assert backup_command.main(["run"]) == 0
    client.delete_object(Bucket=photos, Key="vehicles/000003.jpg")
    client.put_object(Bucket=photos, Key="vehicles/000007.jpg", Body=b"tampered")
    client.put_object(Bucket=photos, Key="vehicles/999999.jpg", Body=b"new since")
    assert backup_command.main(["verify"]) == 1
    out = capsys.readouterr().out
    assert "missing: vehicles/000003.jpg" in out
    assert "changed: vehicles/000007.jpg" in out
    assert "999999" not in out
    assert "2 problem(s)" in out


@pytest.mark.usefixtures("fast_moto_listing")
def test_ten_thousand_objects(buckets: tuple["S3Client", str, str]) -> None:
    client, photos, backups = buckets
    seed_objects(photos, 10_000)
    result = backup.run(client, photos, backups, NOW)
    assert result.objects == 10_000
    assert list(verify(client, photos, backups, result.manifest_key)) == []


class FaultyResponse:
    """Raw body of an injected S3 error, in the shape botocore reads."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> list[bytes]:
        return [self._body]


def inject(client: "S3Client", operation: str, faults: list[tuple[int, str]]) -> Callable[[], int]:
    """Answer the next calls of `operation` with these (status, code) errors."""
    remaining = list(faults)

    def before_send(request: Any, **_: Any) -> AWSResponse | None:
        if not remaining:
            return None
        status, code = remaining.pop(0)
        body = f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
        return AWSResponse(request.url, status, HTTPHeaders(), FaultyResponse(body))

    client.meta.events.register(f"before-send.s3.{operation}", before_send)  # type: ignore[arg-type]
    return lambda: len(remaining)


def test_throttling_and_server_errors_are_retried(buckets: tuple["S3Client", str, str]) -> None:
    client, photos, backups = buckets
    put_photos(client, photos, 5)
    listing = inject(client, "ListObjectVersions", [(503, "SlowDown"), (500, "InternalError")])
    upload = inject(client, "PutObject", [(503, "SlowDown")])
    result = backup.run(client, photos, backups, NOW)
    assert (listing(), upload()) == (0, 0)  # every fault was met, and retried past
    assert result.objects == 5
    assert list(verify(client, photos, backups, result.manifest_key)) == []


@pytest.mark.usefixtures("aws_env")
def test_missing_configuration_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PHOTOS_BUCKET", raising=False)
    assert backup_command.main(["run"]) == 2
    assert "PHOTOS_BUCKET is not set" in capsys.readouterr().err

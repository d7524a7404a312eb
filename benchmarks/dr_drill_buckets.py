"""The drill's buckets in moto (benchmarks/dr_drill.py, tests/app/test_restore.py): created
versioned, seeded as S3 replication would leave them, struck by the disaster, or lost."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
else:
    S3Client = Any

MOTO_ACCOUNT = "123456789012"  # moto's default account


@dataclass(frozen=True)
class Buckets:
    photos: str
    backups: str
    replica: str
    rebuilt: str


def create_buckets(client: "S3Client", buckets: Buckets) -> None:
    """Versioned buckets, the replica in Frankfurt (a client per region, as S3 requires)."""
    import boto3

    regions = {buckets.replica: "eu-central-1"}
    for name in (buckets.photos, buckets.backups, buckets.replica, buckets.rebuilt):
        region = regions.get(name, "eu-central-2")
        regional = boto3.client("s3", region_name=region, endpoint_url=client.meta.endpoint_url)
        regional.create_bucket(
            Bucket=name,
            CreateBucketConfiguration={"LocationConstraint": region},  # type: ignore[typeddict-item]
        )
        regional.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def seed_replicated(buckets: Buckets, count: int) -> None:
    """In moto's process: `count` photos, each also in the replica under its version ID."""
    from moto.s3.models import s3_backends

    backend = s3_backends[MOTO_ACCOUNT]["aws"]
    for index in range(count):
        key, body = photo(index)
        original = backend.put_object(buckets.photos, key, body)
        replica = backend.put_object(buckets.replica, key, body)
        replica._version_id = original.version_id  # what S3 replication keeps


def photo(index: int) -> tuple[str, bytes]:
    return f"vehicles/{index:06d}.jpg", f"photo {index} ".encode() * (1 + index % 13)


def disaster(client: "S3Client", bucket: str, count: int) -> None:
    """Delete a third of the photos (delete markers) and overwrite another third."""

    def strike(index: int) -> None:
        key, _ = photo(index)
        if index % 3 == 0:
            client.delete_object(Bucket=bucket, Key=key)
        elif index % 3 == 1:
            client.put_object(Bucket=bucket, Key=key, Body=b"overwritten by mistake")

    with ThreadPoolExecutor(max_workers=10) as pool:  # botocore's pool holds 10 connections
        list(pool.map(strike, range(count)))


def lose_bucket(client: "S3Client", bucket: str) -> None:
    """Delete every version and marker, then the bucket itself."""
    while True:  # always the first page: deleting moves the listing's markers
        page = client.list_object_versions(Bucket=bucket, MaxKeys=1000)
        doomed = [
            {"Key": item["Key"], "VersionId": item["VersionId"]}
            for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
        ]
        if not doomed:
            break
        client.delete_objects(Bucket=bucket, Delete={"Objects": doomed, "Quiet": True})  # type: ignore[typeddict-item]
    client.delete_bucket(Bucket=bucket)

"""The disaster drill, against moto in server mode: `make dr-drill`.

1. 10,000 photos in the Zurich bucket, replicated to the replica, and a manifest of them.
2. A third deleted, a third overwritten; `verify` sees two thirds wrong.
3. `restore` from the manifest (the recorded versions are still in the bucket), `verify`
   clean, and a second `restore` copies nothing (idempotent).
4. The photos bucket deleted entirely; a new bucket restored from the replica; clean.

It prints, for both restores, objects per second and the peak of Python memory the restore
allocates (tracemalloc). moto runs in a process of its own, so its allocations are not
counted; it seeds the buckets there directly (the jobs still use S3 over HTTP). moto keeps
a replication configuration but does not replicate, so the seeding stands in for S3
replication: the replica gets each object with the same version ID, as S3 replication keeps
it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html).
The test `tests/app/test_restore.py` runs the same steps with assertions.
"""

import contextlib
import datetime as dt
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from benchmarks.dr_drill_buckets import (
    Buckets,
    create_buckets,
    disaster,
    lose_bucket,
    seed_replicated,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
else:
    S3Client = Any


COUNT = 10_000
CLEAN_AFTER = ("problems after restore", "problems in the new bucket")
MOTO_CREDENTIALS = {  # moto accepts any; these name no real account
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-central-2",
}


@dataclass(frozen=True)
class Measured:
    objects: int
    copied: int
    seconds: float
    peak_bytes: int


def measured_restore(
    client: "S3Client", buckets: Buckets, manifest: str, *, target: str, replica: str | None
) -> Measured:
    from app.jobs.manifest import read_manifest
    from app.operators import restore

    tracemalloc.start()
    started = time.perf_counter()
    _, recorded = read_manifest(client, buckets.backups, manifest)
    result = restore.restore(
        client, recorded, target=target, source=buckets.photos, replica=replica
    )
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Measured(result.checked, result.copied, seconds, peak)


def problems(client: "S3Client", bucket: str, buckets: Buckets, manifest: str) -> int:
    from app.jobs.manifest import verify

    return sum(1 for _ in verify(client, bucket, buckets.backups, manifest))


def drill(client: "S3Client", buckets: Buckets, count: int) -> Iterator[tuple[str, Any]]:
    """The drill's steps over HTTP (buckets already seeded), each yielding what it found."""
    from app.jobs import backup

    manifest = backup.run(client, buckets.photos, buckets.backups, dt.datetime.now(dt.UTC))
    yield "manifest", manifest.objects
    disaster(client, buckets.photos, count)
    yield (
        "problems after the disaster",
        problems(client, buckets.photos, buckets, manifest.manifest_key),
    )
    yield (
        "restore in place",
        measured_restore(
            client, buckets, manifest.manifest_key, target=buckets.photos, replica=buckets.replica
        ),
    )
    yield "problems after restore", problems(client, buckets.photos, buckets, manifest.manifest_key)
    yield (
        "rerun",
        measured_restore(
            client, buckets, manifest.manifest_key, target=buckets.photos, replica=buckets.replica
        ),
    )
    lose_bucket(client, buckets.photos)
    yield (
        "restore from the replica",
        measured_restore(
            client, buckets, manifest.manifest_key, target=buckets.rebuilt, replica=buckets.replica
        ),
    )
    yield (
        "problems in the new bucket",
        problems(client, buckets.rebuilt, buckets, manifest.manifest_key),
    )


BENCH = Buckets("drill-photos", "drill-backups", "drill-photos-replica", "drill-photos-rebuilt")


def serve(count: int) -> None:
    """In the moto process: start the server, create and seed the buckets, report the port."""
    import copy
    import types

    import boto3
    from moto.s3 import models
    from moto.server import ThreadedMotoServer

    # moto deep-copies every stored version on every listing page; shallow is the same listing.
    setattr(models, "copy", types.SimpleNamespace(deepcopy=copy.copy, copy=copy.copy))  # noqa: B010
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    create_buckets(boto3.client("s3", endpoint_url=f"http://{host}:{port}"), BENCH)
    seed_replicated(BENCH, count)
    print(port, flush=True)
    sys.stdin.read()  # serve until the drill closes our stdin
    server.stop()


@contextlib.contextmanager
def moto_with_drill_buckets(count: int, deadline_seconds: float) -> Iterator[str]:
    """moto in a process of its own, seeded for the drill; its endpoint URL.

    Past the deadline moto is stopped, so a stuck drill fails instead of hanging."""
    moto = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    watchdog = threading.Timer(deadline_seconds, moto.kill)
    watchdog.start()
    try:
        assert moto.stdout is not None
        port = moto.stdout.readline().strip()
        if not port.isdigit():
            raise RuntimeError("moto did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        watchdog.cancel()
        moto.communicate("")


def main() -> int:
    from app.jobs import backup

    os.environ.update(MOTO_CREDENTIALS)
    failed = False
    with moto_with_drill_buckets(COUNT, deadline_seconds=3600) as endpoint:
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        client = backup.s3_client()
        print(f"disaster drill, {COUNT:,} photos, moto in server mode")
        for step, found in drill(client, BENCH, COUNT):
            if isinstance(found, Measured):
                print(
                    f"{step:>28}: {found.objects:,} checked, {found.copied:,} copied, "
                    f"{found.seconds:.1f} s, {found.objects / found.seconds:,.0f} objects/s, "
                    f"peak {found.peak_bytes / 2**20:.2f} MiB",
                    flush=True,
                )
            else:
                print(f"{step:>28}: {found:,}", flush=True)
                failed |= step in CLEAN_AFTER and found != 0
    print("drill failed" if failed else "drill passed: both restores verified clean")
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        os.environ.update(MOTO_CREDENTIALS)
        serve(int(sys.argv[2]))
    else:
        sys.exit(main())

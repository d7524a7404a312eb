"""Backup manifest throughput against moto (server mode) and the job's peak memory.

For 10,000 and 100,000 objects: the wall time of `app.jobs.backup.run` (objects per
second) and the peak of Python memory the job allocates while it runs
(tracemalloc). Flat memory means the peaks are about the same for both sizes.

moto runs in a process of its own, so that its allocations are not counted,
and seeds the photos bucket there directly (the job still lists it over HTTP).
moto sorts and deep-copies every stored version on every listing page; the
copy is made shallow there (as in the tests) so that the figures are not
minutes of copying. Run with `make bench`.
"""

import datetime as dt
import os
import subprocess
import sys
import time
import tracemalloc

SIZES = (10_000, 100_000)
MOTO_CREDENTIALS = {  # moto accepts any; these name no real account
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-central-2",
}


def serve(count: int) -> None:
    """In the moto process: start the server, create and fill the buckets, report the port."""
    import copy
    import types

    import boto3
    from moto.s3 import models
    from moto.server import ThreadedMotoServer

    from tests.local_services import seed_objects

    setattr(models, "copy", types.SimpleNamespace(deepcopy=copy.copy, copy=copy.copy))  # noqa: B010
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    client = boto3.client("s3", endpoint_url=f"http://{host}:{port}")
    for name in ("bench-photos", "bench-backups"):
        client.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-2"}
        )
    client.put_bucket_versioning(
        Bucket="bench-photos", VersioningConfiguration={"Status": "Enabled"}
    )
    seed_objects("bench-photos", count)
    print(port, flush=True)
    sys.stdin.read()  # serve until the benchmark closes our stdin
    server.stop()


def measure(count: int) -> tuple[float, int]:
    from app.jobs import backup

    moto = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert moto.stdout is not None
        port = int(moto.stdout.readline())
        os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
        client = backup.s3_client()
        tracemalloc.start()
        started = time.perf_counter()
        result = backup.run(client, "bench-photos", "bench-backups", dt.datetime.now(dt.UTC))
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert result.objects == count
        return seconds, peak
    finally:
        moto.communicate("")


def main() -> int:
    os.environ.update(MOTO_CREDENTIALS)
    print(f"{'objects':>10} {'seconds':>9} {'objects/s':>10} {'peak MiB':>9}")
    for count in SIZES:
        seconds, peak = measure(count)
        print(f"{count:>10,} {seconds:>9.1f} {count / seconds:>10,.0f} {peak / 2**20:>9.2f}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        os.environ.update(MOTO_CREDENTIALS)
        serve(int(sys.argv[2]))
    else:
        sys.exit(main())

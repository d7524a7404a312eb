"""The cron routes under hostile or unlucky calls (issue 26, case 5): one run at a time per
job and stack (409 for the second, which runs nothing), only GET runs a job, paths are
matched as sent, and without Redis no job runs."""

import concurrent.futures
import datetime as dt
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis

from app.jobs import backup, payments, probe
from app.metrics import cloudwatch
from app.routes import cron_guard, payment_windows
from tests.app.fault_proxy import fault_proxy
from tests.app.running_app import running_app
from tests.conftest import STACKS
from tests.helpers import load
from tests.local_services import ADMIN_URL, REDIS_URL, redis_url, seed_objects

SECRET = "cron-secret-for-tests"
CRON = {"Authorization": f"Bearer {SECRET}"}


@pytest.fixture
def stack(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:  # noqa: ARG001
    """The app's environment with buckets and a namespace of its own: its locks are its own."""
    from app.jobs.backup import s3_client

    suffix = uuid.uuid4().hex[:8]
    environment = {
        "DATABASE_URL": ADMIN_URL,
        "REDIS_URL": REDIS_URL,
        "CRON_SECRET": SECRET,
        "PHOTOS_BUCKET": f"photos-{suffix}",
        "BACKUPS_BUCKET": f"backups-{suffix}",
        "METRICS_NAMESPACE": f"CRMS/test-{suffix}",
    }
    s3 = s3_client()
    for name in (environment["PHOTOS_BUCKET"], environment["BACKUPS_BUCKET"]):
        s3.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-2"}
        )
    seed_objects(environment["PHOTOS_BUCKET"], 3)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return environment


class Runs(list[str]):
    """Each job run, recorded as it starts. A run goes straight through unless a test holds
    runs (`release` cleared): then each waits, as a long job would, until the test lets
    them go, so calls made together overlap whatever the machine's load."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.release.set()
        self._changed = threading.Condition()

    def started(self, job: str) -> None:
        with self._changed:
            self.append(job)
            self._changed.notify_all()
        assert self.release.wait(30), "the test let the run go"

    def wait_for(self, count: int) -> bool:
        """Whether `count` runs have started (within 30 s)."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self) >= count, timeout=30)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Runs]:
    started = Runs()
    run_backup = backup.run

    def slow_backup(*args: Any) -> Any:
        started.started("backup")
        return run_backup(*args)

    def slow_count(_: str, start: dt.datetime) -> payments.PaymentWindow:
        started.started("metrics")
        return payments.PaymentWindow(start, start + payment_windows.PERIOD, 10, 1)

    monkeypatch.setattr(backup, "run", slow_backup)
    monkeypatch.setattr(payments, "count_payments", slow_count)
    monkeypatch.setattr(probe, "disk_usage_percent", lambda *_: 42.0)
    try:
        yield started
    finally:
        started.release.set()  # no run left waiting on a failed test


def together(url: str, calls: int, runs: Runs) -> list[httpx.Response]:
    """`calls` calls at once, the runs they start held until every call but one has been
    answered (a second run that held too would keep its call unanswered: then 30 s)."""
    runs.release.clear()
    with concurrent.futures.ThreadPoolExecutor(calls) as pool:
        futures = [pool.submit(httpx.get, url, headers=CRON, timeout=60) for _ in range(calls)]
        try:
            for answered, _ in enumerate(concurrent.futures.as_completed(futures, 30), 1):
                if answered == calls - 1:
                    break
        except TimeoutError:
            pass  # the assertions on the answers say what held
        finally:
            runs.release.set()
        return [future.result() for future in futures]


def manifests(bucket: str) -> list[str]:
    from app.jobs.backup import s3_client

    listing = s3_client().list_object_versions(Bucket=bucket, Prefix="manifests/")
    return [version["Key"] for version in listing.get("Versions", [])]


def test_two_backups_at_once_write_one_manifest(stack: dict[str, str], runs: Runs) -> None:
    with running_app() as url:
        answers = together(f"{url}/api/cron/backup", 2, runs)
    assert sorted(answer.status_code for answer in answers) == [200, 409]
    refused = next(answer for answer in answers if answer.status_code == 409)
    assert refused.json() == {"error": "the backup job is already running"}
    assert len(manifests(stack["BACKUPS_BUCKET"])) == 1


def test_ten_metrics_runs_at_once_publish_the_payments_once(
    stack: dict[str, str], runs: Runs
) -> None:
    with running_app() as url:
        answers = together(f"{url}/api/cron/metrics", 10, runs)
    assert sorted(answer.status_code for answer in answers) == [200] + [409] * 9
    assert runs == ["metrics"]
    points = cloudwatch().get_metric_statistics(
        Namespace=stack["METRICS_NAMESPACE"], MetricName="PaymentAttempts",
        Dimensions=[{"Name": "Service", "Value": "payments"}],
        StartTime=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        EndTime=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
        Period=7200, Statistics=["Sum", "SampleCount"],
    )["Datapoints"]  # fmt: skip
    assert [(point["Sum"], point["SampleCount"]) for point in points] == [(10.0, 1.0)]


def test_each_job_has_its_own_lock(stack: dict[str, str], runs: Runs) -> None:  # noqa: ARG001
    runs.release.clear()
    with running_app() as url, concurrent.futures.ThreadPoolExecutor(2) as pool:
        calls = [pool.submit(httpx.get, f"{url}/api/cron/{job}", headers=CRON, timeout=60)
                 for job in ("backup", "metrics")]  # fmt: skip
        both_ran_at_once = runs.wait_for(2)
        runs.release.set()
        assert [call.result().status_code for call in calls] == [200, 200]
    assert both_ran_at_once
    assert sorted(runs) == ["backup", "metrics"]


def test_a_run_longer_than_the_lease_keeps_the_lock(
    stack: dict[str, str], runs: Runs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cron_guard, "LEASE_SECONDS", 1.0)
    monkeypatch.setattr(cron_guard, "RENEW_EVERY_SECONDS", 0.2)
    runs.release.clear()
    with running_app() as url, concurrent.futures.ThreadPoolExecutor(1) as pool:
        first = pool.submit(httpx.get, f"{url}/api/cron/backup", headers=CRON, timeout=60)
        assert runs.wait_for(1), "the first run started"
        time.sleep(1.5)  # past the lease (Redis's clock), the run still held
        try:
            second = httpx.get(f"{url}/api/cron/backup", headers=CRON, timeout=30)
        finally:
            runs.release.set()
        assert (first.result().status_code, second.status_code) == (200, 409)
    assert runs == ["backup"]
    assert len(manifests(stack["BACKUPS_BUCKET"])) == 1


def test_the_lock_of_a_run_that_died_ends_with_its_lease(stack: dict[str, str], runs: Runs) -> None:
    name = f"{cron_guard.LOCK_PREFIX}:backup:{stack['BACKUPS_BUCKET']}"
    with running_app() as url, redis.Redis.from_url(REDIS_URL) as client:
        client.set(name, "a-run-vercel-ended", px=1000)  # its renewal stopped with it
        assert httpx.get(f"{url}/api/cron/backup", headers=CRON, timeout=30).status_code == 409
        time.sleep(max(client.pttl(name), 0) / 1000 + 0.05)  # until Redis ends the lease
        assert httpx.get(f"{url}/api/cron/backup", headers=CRON, timeout=30).status_code == 200
    assert runs == ["backup"]


def test_the_lease_is_shorter_than_every_stacks_max_duration() -> None:
    shortest = min(load(stack).compute.function_max_duration_seconds for stack in STACKS)
    assert shortest > cron_guard.LEASE_SECONDS


@pytest.mark.parametrize("method", ["HEAD", "POST", "PUT", "DELETE"])
@pytest.mark.parametrize("job", ["backup", "metrics"])
def test_only_get_runs_a_job(stack: dict[str, str], runs: Runs, method: str, job: str) -> None:  # noqa: ARG001
    with running_app() as url:
        response = httpx.request(method, f"{url}/api/cron/{job}", headers=CRON, timeout=30)
    assert response.status_code == 405
    assert runs == []


@pytest.mark.parametrize(
    "path",
    ["/api/cron/%62ackup", "/api/cron/backu%70", "/api%2Fcron/backup", "/api/cron/%6detrics",
     "/api/%68ealth", "/api/drain/%6cogs"],
)  # fmt: skip
def test_a_path_is_matched_as_sent(stack: dict[str, str], runs: Runs, path: str) -> None:  # noqa: ARG001
    with running_app() as url:
        response = httpx.get(f"{url}{path}", headers=CRON, timeout=30)
    assert response.status_code == 404
    assert runs == []


def test_without_redis_no_job_runs(
    stack: dict[str, str],  # noqa: ARG001
    runs: Runs,
    unused_port: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{unused_port}/0")
    with running_app() as url:
        response = httpx.get(f"{url}/api/cron/backup", headers=CRON, timeout=30)
    assert response.status_code == 503
    assert response.json() == {"error": "redis: unreachable; the backup job did not run"}
    assert runs == []


@pytest.fixture(autouse=True)
def _no_lock_left(stack: dict[str, str]) -> Iterator[None]:
    yield
    with redis.Redis.from_url(REDIS_URL) as client:
        held = [
            key
            for key in client.scan_iter(f"{cron_guard.LOCK_PREFIX}:*")
            if key.decode().endswith((stack["BACKUPS_BUCKET"], stack["METRICS_NAMESPACE"]))
        ]
    assert held == [], "every run lets go of its lock"


def test_a_run_that_loses_redis_stops_and_never_writes_beside_the_next(
    stack: dict[str, str], runs: Runs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 36, finding 3: Redis cut for longer than the lease in the middle of a backup.
    The renewal stopped after one failure while the job ran on; a second run taken once the
    lease ended wrote a second manifest beside the first. Now the first stops before its
    next write (503), and only the second writes a manifest."""
    from app.jobs import manifest

    monkeypatch.setattr(cron_guard, "LEASE_SECONDS", 2.0)
    monkeypatch.setattr(cron_guard, "RENEW_EVERY_SECONDS", 0.5)
    listing = manifest.current_versions
    listed, resume = threading.Event(), threading.Event()

    def held_listing(*args: Any) -> Any:
        first = not listed.is_set()
        listed.set()
        for entry in listing(*args):
            if first:  # the first run holds here, mid-job, until the second has run
                resume.wait(30)
            yield entry

    monkeypatch.setattr(backup, "current_versions", held_listing)
    with fault_proxy(6379) as proxy:
        monkeypatch.setenv("REDIS_URL", redis_url(proxy.port))
        with running_app() as url, concurrent.futures.ThreadPoolExecutor(1) as pool:
            first = pool.submit(httpx.get, f"{url}/api/cron/backup", headers=CRON, timeout=60)
            assert listed.wait(30), "the first run took its lock and started"
            proxy.set_mode("refuse")
            time.sleep(2.5)  # past the lease: the lock is free once Redis is back
            proxy.set_mode("pass")
            try:
                second = httpx.get(f"{url}/api/cron/backup", headers=CRON, timeout=30)
            finally:
                resume.set()
            assert second.status_code == 200, second.text
            lost = first.result()
    assert lost.status_code == 503
    assert lost.json() == {
        "error": "the backup job lost its lock and stopped; the next run does its work"
    }
    assert runs == ["backup", "backup"]
    assert manifests(stack["BACKUPS_BUCKET"]) == [second.json()["manifest"]]

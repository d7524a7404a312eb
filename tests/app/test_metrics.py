"""The emitter against moto: what it publishes is exactly what the alarms watch."""

import datetime as dt
import uuid

import pytest

from app import metric_catalog as catalog
from app.metrics import MetricsEmitter, cloudwatch
from app.routes.drain import statistic_set
from components.alarm_watch import FailureRate
from stacks.alert_rules import AlertKind
from stacks.alert_watches import watch


@pytest.fixture
def namespace(aws_env: str) -> str:  # noqa: ARG001 (needed for its environment)
    """A namespace of the test's own: moto's store outlives each test."""
    return catalog.namespace(f"test-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def emitter(namespace: str) -> MetricsEmitter:
    return MetricsEmitter(cloudwatch(), namespace)


def published_sum(namespace: str, metric: catalog.Metric) -> float:
    client = cloudwatch()
    now = dt.datetime.now(dt.UTC)
    stats = client.get_metric_statistics(
        Namespace=namespace,
        MetricName=metric.name,
        Dimensions=[{"Name": k, "Value": v} for k, v in metric.dimensions.items()],
        StartTime=now - dt.timedelta(minutes=10),
        EndTime=now + dt.timedelta(minutes=1),
        Period=60,
        Statistics=["Sum"],
        Unit=metric.unit,  # type: ignore[arg-type]
    )
    return sum(point["Sum"] for point in stats["Datapoints"])


def test_published_metrics_carry_the_alarms_names_units_and_dimensions(
    emitter: MetricsEmitter, namespace: str
) -> None:
    emitter.request(failed=False)
    emitter.contract_created(2.5)
    emitter.payment(failed=True)
    emitter.disk_usage(42.0)
    now_ms = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    emitter.extend([statistic_set(catalog.DRAIN_DELIVERIES, now_ms, 1, 1, 1.0, 1.0)])
    assert emitter.flush() == 7
    listed = cloudwatch().list_metrics(Namespace=namespace)["Metrics"]
    seen = {
        (m["MetricName"], tuple((d["Name"], d["Value"]) for d in m["Dimensions"])) for m in listed
    }
    watched = set()
    for kind in AlertKind:
        what = watch(kind, namespace, 5).what
        metrics = [what.failures, what.attempts] if isinstance(what, FailureRate) else [what.metric]
        for metric in metrics:
            assert metric.namespace == namespace
            watched.add((metric.name, tuple(metric.dimensions.items())))
    assert watched == seen


def test_rates_are_what_the_alarm_math_computes(emitter: MetricsEmitter, namespace: str) -> None:
    for index in range(200):
        emitter.request(failed=index < 3)
    for index in range(40):
        emitter.payment(failed=index < 4)
    emitter.flush()
    errors = published_sum(namespace, catalog.ERRORS)
    requests = published_sum(namespace, catalog.REQUESTS)
    failures = published_sum(namespace, catalog.PAYMENT_FAILURES)
    attempts = published_sum(namespace, catalog.PAYMENT_ATTEMPTS)
    # The alarms' expression: IF(attempts > 0, 100 * failures / attempts, 0)
    assert 100 * errors / requests == pytest.approx(1.5)
    assert 100 * failures / attempts == pytest.approx(10.0)


def test_more_than_a_call_holds_is_sent_in_batches(emitter: MetricsEmitter) -> None:
    for _ in range(1200):
        emitter.contract_created(1.0)
    assert emitter.flush() == 1200
    assert emitter.flush() == 0

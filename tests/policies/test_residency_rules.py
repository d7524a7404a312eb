"""The rules of crms_rules/residency.py: each way each fails on the prod stack, and exemptions."""

from crms_rules import residency
from crms_rules.core import Resource

from tests.policies.views import (
    BUCKET,
    LOG_DRAIN,
    PHOTOS,
    PROJECT,
    REDIS,
    SUPABASE,
    TRACE_DRAIN,
    Failure,
    changed,
    named,
    rule_case_tests,
    rule_config,
    stack_view,
    violations,
)


def _function_regions(view: tuple[Resource, ...], regions: list[str]) -> list[Resource]:
    project = named(view, "compute-web", PROJECT)
    config = {**project.props["resourceConfig"], "functionDefaultRegions": regions}
    return changed(view, "compute-web", PROJECT, resourceConfig=config)


FAILURES: list[Failure] = [
    (
        "residency-database-zurich",
        lambda v: changed(v, "database-project", SUPABASE, region="eu-west-1"),
        "not Zurich",
    ),
    (
        "residency-database-zurich",
        lambda v: changed(v, "database-project", SUPABASE, region=None),
        "not Zurich",
    ),
    (
        "residency-buckets-zurich",
        lambda v: changed(v, PHOTOS, BUCKET, region="eu-central-1"),
        "not Zurich",
    ),
    ("residency-buckets-zurich", lambda v: changed(v, PHOTOS, BUCKET, region=None), "not Zurich"),
    (
        "residency-buckets-zurich",
        lambda v: changed(v, "storage-backups-replica", BUCKET, region="us-east-1"),
        "outside Switzerland and the EU",
    ),
    (
        "residency-buckets-zurich",
        lambda v: changed(v, "storage-access-logs", BUCKET, region="eu-central-1"),
        "not allowed as a replica",
    ),
    (
        "residency-drains-own-endpoint",
        lambda v: changed(v, "drains-logs", LOG_DRAIN, endpoint="https://logs.example.com/in"),
        "not a deployment of this stack",
    ),
    (
        "residency-drains-own-endpoint",
        lambda v: changed(
            v, "drains-traces", TRACE_DRAIN, endpoint="http://compute-ops-mock.vercel.app/x"
        ),
        "not HTTPS",
    ),
    (
        "residency-drains-own-endpoint",
        lambda v: changed(v, "drains-logs", LOG_DRAIN, endpoint=None),
        "not HTTPS",
    ),
    (
        "residency-service-regions",
        lambda v: changed(v, "cache-redis", REDIS, primaryRegion="us-east-1"),
        "not an allowed EU region",
    ),
    (
        "residency-service-regions",
        lambda v: changed(v, "cache-redis", REDIS, primaryRegion=None),
        "not an allowed EU region",
    ),
    (
        "residency-service-regions",
        lambda v: _function_regions(v, ["iad1"]),
        "outside the EU",
    ),
    (
        "residency-service-regions",
        lambda v: _function_regions(v, []),
        "not set explicitly",
    ),
    (
        "residency-service-regions",
        lambda v: changed(v, "compute-web", PROJECT, serverlessFunctionRegion="iad1"),
        "outside the EU",
    ),
]


(
    test_each_way_a_rule_fails,
    test_every_rule_has_a_failure_case,
    test_an_exemption_waives_a_resource_until_it_expires,
) = rule_case_tests(residency.RULES, FAILURES)


def test_a_replica_allowed_without_a_reason_is_a_violation() -> None:
    config = rule_config("prod", "residency-buckets-zurich") or {}
    allowances = [
        {**entry, "reason": ""} if entry["bucket"] == "storage-photos-replica" else entry
        for entry in config["allowedOutsideZurich"]
    ]
    found = violations(
        "residency-buckets-zurich", stack_view("prod"), {"allowedOutsideZurich": allowances}
    )
    assert found == ["bucket storage-photos-replica is allowed without a reason"]

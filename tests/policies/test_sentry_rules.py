"""The rules of crms_rules/sentry.py: each way each fails on the prod stack, and exemptions."""

from crms_rules import sentry

from tests.policies.views import changed, rule_case_tests, stack_view, violations

PROJECT = sentry.PROJECT
NAME = "error-tracking-project"

FAILURES = [
    (
        "sentry-eu-region",
        lambda v: changed(v, NAME, PROJECT, region_url="https://us.sentry.io"),
        "stores its data at https://us.sentry.io",
    ),
    ("sentry-eu-region", lambda v: changed(v, NAME, PROJECT, region_url=None), "unknown region"),
    (
        "sentry-scrubbing-on",
        lambda v: changed(v, NAME, PROJECT, scrub_ip_addresses=False),
        "client IP addresses are stored",
    ),
    (
        "sentry-scrubbing-on",
        lambda v: changed(v, NAME, PROJECT, data_scrubber=None),
        "dataScrubber off",
    ),
    (
        "sentry-scrubbing-on",
        lambda v: changed(v, NAME, PROJECT, data_scrubber_defaults=False),
        "default sensitive field names",
    ),
    (
        "sentry-scrubbing-on",
        lambda v: changed(v, NAME, PROJECT, sensitive_fields=[]),
        "no sensitive field",
    ),
]

(
    test_each_way_a_rule_fails,
    test_every_rule_has_a_failure_case,
    test_an_exemption_waives_a_resource_until_it_expires,
) = rule_case_tests(sentry.RULES, FAILURES)


def test_every_stack_passes_both_rules() -> None:
    for stack in ("dev", "staging", "prod"):
        view = stack_view(stack)
        assert violations("sentry-eu-region", view) == []
        assert violations("sentry-scrubbing-on", view) == []

"""The rules of crms_rules/processors.py: each way each fails on prod, and exemptions
(issue 27, point 5)."""

from typing import Any

from crms_rules import processors
from crms_rules.core import Resource

from tests.policies.views import (
    PROJECT,
    REDIS,
    VARIABLE,
    Failure,
    Mutation,
    changed,
    rule_case_tests,
    stack_view,
    violations,
)

STACK = "pulumi:pulumi:Stack"


def _with_declarations(edit: Any) -> Mutation:
    """The prod view with the stack's `processors` output edited."""

    def mutate(view: tuple[Resource, ...]) -> list[Resource]:
        (stack,) = [r for r in view if r.type == STACK]
        declarations = [dict(d) for d in stack.props["processors"]]
        return changed(view, stack.name, STACK, processors=edit(declarations))

    return mutate


def _without(name: str) -> Mutation:
    return _with_declarations(lambda found: [d for d in found if d["name"] != name])


def _edited(name: str, **fields: Any) -> Mutation:
    return _with_declarations(
        lambda found: [{**d, **fields} if d["name"] == name else d for d in found]
    )


def _replays(rate: str, region: str) -> Mutation:
    def mutate(view: tuple[Resource, ...]) -> list[Resource]:
        with_region = _edited("Sentry", places=[{"kind": "sentry", "code": region}])(view)
        return changed(
            tuple(with_region), "compute-web-next-public-sentry-replays-on-error-sample-rate",
            VARIABLE, value=rate,
        )  # fmt: skip

    return mutate


FAILURES: list[Failure] = [
    ("processors-declared", _without("Stripe"), "STRIPE_SECRET_KEY hands personal data to Stripe"),
    ("processors-declared", _without("Resend"), "RESEND_API_KEY hands personal data to Resend"),
    ("processors-declared", _without("Sentry"), "SENTRY_DSN hands personal data to Sentry"),
    ("processors-declared", _without("Upstash"), f"{REDIS} hands personal data to Upstash"),
    ("processors-declared", _without("Vercel"), f"{PROJECT} hands personal data to Vercel"),
    ("processors-declared", _edited("Resend", transferBasis=""), "Resend lacks transferBasis"),
    (
        "processors-declared",
        _edited("Stripe", sources=[{"url": "https://stripe.com/legal/dta"}]),
        "lacks the date https://stripe.com/legal/dta was read",
    ),
    ("processors-sentry-replays-eu", _replays("0.1", "us"), "error replays go to Sentry's us"),
    ("processors-sentry-replays-eu", _replays("1.0", "xx"), "Sentry's xx region"),
]


(
    test_each_way_a_rule_fails,
    test_every_rule_has_a_failure_case,
    test_an_exemption_waives_a_resource_until_it_expires,
) = rule_case_tests(processors.RULES, FAILURES)


def test_replays_to_the_eu_region_or_none_at_all_pass() -> None:
    assert (
        violations("processors-sentry-replays-eu", _replays("0.5", "eu")(stack_view("prod"))) == []
    )
    assert violations("processors-sentry-replays-eu", _replays("0", "us")(stack_view("prod"))) == []

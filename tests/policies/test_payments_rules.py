"""The rule of crms_rules/payments.py: each way it fails on prod, and its exemption."""

from crms_rules import payments
from crms_rules.core import Resource

from tests.policies.views import Failure, Mutation, changed, rule_case_tests, stack_view, violations

RULE = "stripe-live-mode-production-only"
STACK = "pulumi:pulumi:Stack"
ENDPOINT = "payments-webhook-endpoint"


def _stack(**outputs: object) -> Mutation:
    def mutate(view: tuple[Resource, ...]) -> list[Resource]:
        (stack,) = [r for r in view if r.type == STACK]
        return changed(view, stack.name, STACK, **outputs)

    return mutate


def _endpoint(**props: object) -> Mutation:
    return lambda view: changed(view, ENDPOINT, payments.WEBHOOK_ENDPOINT, **props)


def _data_plane(mode: str) -> Mutation:
    def mutate(view: tuple[Resource, ...]) -> list[Resource]:
        (stack,) = [r for r in view if r.type == STACK]
        described = {**stack.props[payments.DATA_PLANE_OUTPUT], "stripeMode": mode}
        return changed(view, stack.name, STACK, webDataPlane=described)

    return mutate


FAILURES: list[Failure] = [
    (
        RULE,
        _stack(environment="staging"),  # prod's live endpoint in a stack that is not prod
        "is in live mode in a stack whose environment is staging: test mode belongs here",
    ),
    (
        RULE,
        _endpoint(mode="test"),
        "is in test mode in a stack whose environment is production: live mode belongs here",
    ),
    (
        RULE,
        _data_plane("test"),
        "the web app's Stripe key is in test mode in a stack whose environment is production",
    ),
]

(
    test_each_way_the_rule_fails,
    test_every_rule_has_a_failure_case,
    test_an_exemption_waives_a_resource_until_it_expires,
) = rule_case_tests(payments.RULES, FAILURES)


def test_staging_s_test_mode_endpoint_complies() -> None:
    view = stack_view("staging")
    (endpoint,) = [r for r in view if r.type == payments.WEBHOOK_ENDPOINT]
    assert endpoint.props["mode"] == "test"
    assert violations(RULE, view) == []

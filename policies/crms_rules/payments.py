"""Payments: Stripe's live mode, which moves real customers' money, belongs to production.

Stripe keeps live and test data apart, and a key names its mode (https://docs.stripe.com/keys).
The webhook endpoint (components/stripe/, a dynamic resource whose properties are snake_case)
says its mode; the stack says its environment (its output `environment`; one that does not
say counts as production, as in previews.py) and the mode of the key its data plane hands the
app (output `webDataPlane.stripeMode`). The key itself is a secret the pack never sees: the
dynamic provider refuses a key of the other mode, and the program refuses it in the data plane.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from crms_rules.core import Resource, Rule, Severity, StackRule, Violation, of_type

WEBHOOK_ENDPOINT = "pulumi-python:dynamic/stripe:WebhookEndpoint"
STACK = "pulumi:pulumi:Stack"
PRODUCTION = "production"
DATA_PLANE_OUTPUT = "webDataPlane"


def live_mode_production_only(
    resources: Sequence[Resource], _: Mapping[str, Any]
) -> Iterator[Violation]:
    stack = next(of_type(resources, STACK), None)
    environment = str((stack.props.get("environment") if stack else None) or PRODUCTION)
    wanted = "live" if environment == PRODUCTION else "test"
    for endpoint in of_type(resources, WEBHOOK_ENDPOINT):
        mode = endpoint.props.get("mode")
        if mode != wanted:
            yield Violation(
                f"the Stripe webhook endpoint {endpoint.props.get('url')} is in {mode} mode in "
                f"a stack whose environment is {environment}: {wanted} mode belongs here",
                endpoint.urn,
            )
    described = stack.props.get(DATA_PLANE_OUTPUT) if stack is not None else None
    if isinstance(described, Mapping) and described.get("stripeMode") not in (None, wanted):
        yield Violation(
            f"the web app's Stripe key is in {described.get('stripeMode')} mode in a stack "
            f"whose environment is {environment}: {wanted} mode belongs here",
            stack.urn if stack is not None else None,
        )


RULES: list[Rule] = [
    StackRule(
        name="stripe-live-mode-production-only",
        description=(
            "Stripe runs in live mode in production and in test mode everywhere else: its "
            "webhook endpoint and the web app's key."
        ),
        severity=Severity.CRITICAL,
        remediation=(
            "Set crms:environment as the stack is (production for prod only); the endpoint's "
            "mode follows it (stacks/stripe_webhook.py). Set crms:stripeSecretKey to a key of "
            "that mode (sk_live_/rk_live_ in production, sk_test_/rk_test_ elsewhere)."
        ),
        check=live_mode_production_only,
    ),
]

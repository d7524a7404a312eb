"""The payment webhook per stack: its endpoint in the plan, and its signing secret, which
reaches the web app's production target only, from the stack's own endpoint."""

import pulumi
import pytest

from components.payments_webhook import PaymentsWebhook, PaymentsWebhookArgs
from stacks.stripe_mode import stripe_mode
from stacks.stripe_webhook import EVENTS, ROUTE
from tests.conftest import STACKS
from tests.helpers import by_name, load, plan_of, resources, secret_flag

ENDPOINT = "pulumi-python:dynamic/stripe:WebhookEndpoint"
VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_registers_one_endpoint_at_its_site_in_its_mode(stack: str) -> None:
    (endpoint,) = resources(stack, ENDPOINT)
    settings = load(stack)
    assert {
        "url": settings.auth.site_url + ROUTE,
        "enabled_events": sorted(EVENTS),
        "mode": stripe_mode(settings.environment).value,
        "api_version": "2023-08-16",
        "stripe_api": "https://api.stripe.com",
    }.items() <= endpoint["inputs"].items()
    assert endpoint["parent"] is not None
    assert endpoint["parent"].endswith("::payments-webhook")


def test_prod_is_live_and_the_others_test() -> None:
    modes = {stack: resources(stack, ENDPOINT)[0]["inputs"]["mode"] for stack in STACKS}
    assert modes == {"dev": "test", "staging": "test", "prod": "live"}


@pytest.mark.parametrize("stack", STACKS)
def test_the_signing_secret_reaches_production_from_the_endpoint(stack: str) -> None:
    (endpoint,) = resources(stack, ENDPOINT)
    variables = by_name(stack, VARIABLE)
    production = variables["compute-web-stripe-webhook-secret"]
    assert production["inputs"]["targets"] == ["production"]
    assert production["inputs"]["sensitive"] is True
    assert production["inputs"]["value"] == "[secret]"
    assert endpoint["urn"] in production["dependencies"]
    preview = variables["compute-web-preview-stripe-webhook-secret"]
    if stack == "prod":  # staging's test-mode secret, through a reference: never prod's
        assert endpoint["urn"] not in preview["dependencies"]
    assert str(plan_of(stack)["outputs"]["stripeWebhookEndpointId"]).startswith("we_")


@pytest.mark.usefixtures("mocks")
@pulumi.runtime.test
def test_the_signing_secret_is_a_secret_output() -> pulumi.Output[None]:
    webhook = PaymentsWebhook(
        "payments-webhook",
        PaymentsWebhookArgs(
            url="https://staging.crms.swiss/api/webhooks/stripe",
            events=EVENTS,
            mode="test",
            description="test",
        ),
    )

    def check(args: list[object]) -> None:
        secret, is_secret = args
        assert str(secret).startswith("whsec_")
        assert is_secret is True

    return pulumi.Output.all(webhook.signing_secret, secret_flag(webhook.signing_secret)).apply(
        check
    )

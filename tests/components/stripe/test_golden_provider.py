"""The Stripe provider's golden copies (tests/components/golden_providers/, as
tests/components/test_golden_providers.py explains) still read and delete an endpoint, loaded
as the provider host loads them, against the spec-strict fake."""

import base64
from pathlib import Path

import dill  # type: ignore[import-untyped]  # the SDK's own pickler, untyped
from pulumi.dynamic import Config, ConfigureRequest, ResourceProvider

from components.stripe.webhook_endpoint import WebhookEndpointProvider
from tests.components.stripe.conftest import TEST_KEY
from tests.components.stripe.fake_api import FakeStripe
from tests.components.stripe.support import props

GOLDEN = Path(__file__).parents[1] / "golden_providers"


def golden_copies() -> list[str]:
    """Every version of this provider that reached a stack, oldest first."""
    name = "components.stripe.webhook_endpoint.WebhookEndpointProvider."
    return [path.read_text().strip() for path in sorted(GOLDEN.glob(f"{name}*.txt"))]


def loaded(serialized: str) -> ResourceProvider:
    # Test data this repository wrote, never input from elsewhere.
    provider: ResourceProvider = dill.loads(base64.b64decode(serialized))  # noqa: S301
    provider.configure(ConfigureRequest(Config({"crms:stripeSecretKey": TEST_KEY}, "crms")))
    return provider


def test_the_golden_webhook_provider_reads_and_deletes(
    stripe: FakeStripe, provider: WebhookEndpointProvider
) -> None:
    created = provider.create(props(stripe))
    state = created.outs or {}
    copies = golden_copies()
    assert copies
    for serialized in copies:
        read = loaded(serialized).read(created.id, state)
        assert read.id == created.id
        assert (read.outs or {})["secret"] == state["secret"]
    loaded(copies[-1]).delete(created.id, state)
    assert stripe.endpoints["test"] == {}

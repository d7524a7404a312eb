"""Fixtures for the Stripe provider's tests: the spec-strict fake and a provider aimed at it."""

from collections.abc import Iterator

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from components.stripe.api import RetryPolicy
from components.stripe.webhook_endpoint import WebhookEndpointProvider
from tests.components.stripe.fake_api import FakeStripe
from tests.components.supabase.support import VirtualClock

TEST_KEY = "sk_test_51FakeKeyForTheFakeOnly0000"
LIVE_KEY = "rk_live_51FakeKeyForTheFakeOnly0000"


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def stripe(clock: VirtualClock) -> Iterator[FakeStripe]:
    server = FakeStripe(keys={TEST_KEY: "test", LIVE_KEY: "live"}, clock=clock).start()
    yield server
    server.stop()
    assert server.violations == [], "the fake answered outside the spec"


def provider_with(key: str, clock: VirtualClock) -> WebhookEndpointProvider:
    provider = WebhookEndpointProvider(
        retry=RetryPolicy(attempts=4, base_delay=0.5, sleep=clock.sleep), request_timeout=2
    )
    provider.configure(ConfigureRequest(Config({"crms:stripeSecretKey": key}, "crms")))
    return provider


@pytest.fixture
def provider(clock: VirtualClock, monkeypatch: pytest.MonkeyPatch) -> WebhookEndpointProvider:
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    return provider_with(TEST_KEY, clock)

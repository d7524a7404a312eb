"""Inputs of a webhook endpoint as the component gives them."""

from typing import Any

from tests.components.stripe.fake_api import FakeStripe

URL = "https://staging.crms.swiss/api/webhooks/stripe"
EVENTS = ["charge.refunded", "payment_intent.payment_failed", "payment_intent.succeeded"]


def props(stripe: FakeStripe, **overrides: Any) -> dict[str, Any]:
    return {
        "url": URL,
        "enabled_events": EVENTS,
        "mode": "test",
        "api_version": "2023-08-16",
        "description": "CRMS web app (staging): payment events",
        "metadata": {"managed_by": "crms-infra", "stack": "staging"},
        "stripe_api": stripe.url,
        **overrides,
    }

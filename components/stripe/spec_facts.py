"""Facts of Stripe's API the provider relies on, each with its source, each once.

The spec is stripe/openapi openapi/spec3.yaml at commit
63a674638635c68de26b9f3add13e58198f4df44 (2023-09-12, `info.version` 2023-08-16); the test
fake validates every request and answer against an excerpt of it (tests/fixtures/).
"""

DEFAULT_API_URL = "https://api.stripe.com"
API_VERSION = "2023-08-16"
"""Sent as `Stripe-Version` on every call, and the `api_version` events are rendered in for
the endpoint (an enum value of PostWebhookEndpoints' `api_version` in the spec above), so
neither the account's default nor a later dashboard upgrade changes what the app receives."""
PAGE_LIMIT = 100
"""GetWebhookEndpoints' `limit`: "can range between 1 and 100, and the default is 10"."""
MAX_ENDPOINTS = 16
"""Webhook endpoints a Stripe account may have (https://docs.stripe.com/webhooks)."""
KEY_MODES = {"sk_live_": "live", "rk_live_": "live", "sk_test_": "test", "rk_test_": "test"}
"""The mode a secret or restricted key's prefix names (https://docs.stripe.com/keys)."""


def key_mode(key: str) -> str | None:
    """`live` or `test`, or None for a key of no known shape."""
    return KEY_MODES.get(key[:8])

"""Faults as Stripe documents them: a lost reply, 429s, 5xx, Stripe-Should-Retry; and the key
never in an error, a repr or the pickled provider."""

import httpx
import pytest

from components.stripe.api import StripeApiError
from components.stripe.webhook_endpoint import WebhookEndpointProvider
from crms_infra.offline.sdk import serialize_provider
from tests.components.stripe.conftest import TEST_KEY
from tests.components.stripe.fake_api import RATE_LIMITS, FakeStripe, Fault
from tests.components.stripe.support import props
from tests.components.supabase.support import VirtualClock

ENDPOINTS = "/v1/webhook_endpoints"


def post_headers(stripe: FakeStripe) -> list[dict[str, str]]:
    sent = zip(stripe.requests, stripe.headers_seen, strict=True)
    return [headers for (method, _, _), headers in sent if method == "POST"]


def test_a_create_whose_reply_is_lost_is_retried_with_its_key_and_made_once(
    stripe: FakeStripe, provider: WebhookEndpointProvider
) -> None:
    stripe.faults.append(Fault("POST", ENDPOINTS, drop_reply=True))
    created = provider.create(props(stripe))
    assert len(stripe.endpoints["test"]) == 1
    assert created.id in stripe.endpoints["test"]
    posts = post_headers(stripe)
    assert len(posts) == 2
    assert posts[0]["idempotency-key"] == posts[1]["idempotency-key"]
    assert (created.outs or {})["secret"].startswith("whsec_")  # the replayed answer has it


def test_two_creates_have_two_keys(stripe: FakeStripe, provider: WebhookEndpointProvider) -> None:
    provider.create(props(stripe))
    provider.create(props(stripe, url="https://dev.crms.swiss/api/webhooks/stripe"))
    keys = [headers["idempotency-key"] for headers in post_headers(stripe)]
    assert len(set(keys)) == 2


def test_the_same_key_with_other_parameters_is_refused_by_the_fake(stripe: FakeStripe) -> None:
    headers = {"Authorization": f"Bearer {TEST_KEY}", "Idempotency-Key": "k1"}
    first = {"url": "https://a.example/x", "enabled_events[0]": "charge.refunded"}
    assert httpx.post(f"{stripe.url}{ENDPOINTS}", data=first, headers=headers).status_code == 200
    again = httpx.post(f"{stripe.url}{ENDPOINTS}", data=first, headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    changed = {**first, "url": "https://b.example/x"}
    other = httpx.post(f"{stripe.url}{ENDPOINTS}", data=changed, headers=headers)
    assert other.json()["error"]["type"] == "idempotency_error"
    assert len(stripe.endpoints["test"]) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"url": "https://a.example/x", "enabled_events[0]": "charge.refundd"},  # no such event
        {"url": "https://a.example/x", "enabled_events[0]": "*", "colour": "red"},  # unknown
        {"enabled_events[0]": "charge.refunded"},  # no url
        {"url": "https://a.example/x", "enabled_events[0]": "*", "api_version": "2099-01-01"},
    ],
)
def test_the_fake_refuses_what_the_spec_refuses(stripe: FakeStripe, body: dict[str, str]) -> None:
    answer = httpx.post(
        f"{stripe.url}{ENDPOINTS}", data=body, headers={"Authorization": f"Bearer {TEST_KEY}"}
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["type"] == "invalid_request_error"
    assert stripe.endpoints["test"] == {}


def test_a_429_backs_off_until_the_next_second(
    stripe: FakeStripe, provider: WebhookEndpointProvider, clock: VirtualClock
) -> None:
    headers = {"Authorization": f"Bearer {TEST_KEY}"}
    for _ in range(RATE_LIMITS["test"]):  # another client spends this second's quota
        httpx.get(f"{stripe.url}{ENDPOINTS}", headers=headers)
    provider.create(props(stripe))
    assert stripe.count("GET", ENDPOINTS, status=429) >= 1
    assert len(stripe.endpoints["test"]) == 1
    assert clock.sleeps
    assert all(0.5 <= s <= 5 for s in clock.sleeps)


@pytest.mark.parametrize("status", [500, 502, 503, 409])
def test_a_server_error_or_conflict_is_retried(
    stripe: FakeStripe, provider: WebhookEndpointProvider, status: int
) -> None:
    stripe.faults.append(Fault("POST", ENDPOINTS, status))
    provider.create(props(stripe))
    assert stripe.count("POST", ENDPOINTS) == 2
    assert len(stripe.endpoints["test"]) == 1


def test_stripe_should_retry_false_is_obeyed(
    stripe: FakeStripe, provider: WebhookEndpointProvider
) -> None:
    stripe.faults.append(Fault("POST", ENDPOINTS, 500, {"Stripe-Should-Retry": "false"}))
    with pytest.raises(StripeApiError, match="HTTP 500: injected fault"):
        provider.create(props(stripe))
    assert stripe.count("POST", ENDPOINTS) == 1


def test_stripe_should_retry_true_is_obeyed_even_on_a_400(
    stripe: FakeStripe, provider: WebhookEndpointProvider
) -> None:
    stripe.faults.append(Fault("POST", ENDPOINTS, 400, {"Stripe-Should-Retry": "true"}))
    provider.create(props(stripe))
    assert stripe.count("POST", ENDPOINTS) == 2


def test_retries_end_and_the_error_names_the_call_not_the_key(
    stripe: FakeStripe, provider: WebhookEndpointProvider
) -> None:
    stripe.faults += [Fault("GET", ENDPOINTS, 503) for _ in range(4)]
    with pytest.raises(StripeApiError) as raised:
        provider.create(props(stripe))
    assert "GET /v1/webhook_endpoints: HTTP 503" in str(raised.value)
    assert TEST_KEY not in str(raised.value)
    assert TEST_KEY not in repr(raised.value)
    assert stripe.count("GET", ENDPOINTS) == 4


def test_a_wrong_key_is_stripe_s_401_without_the_key(
    stripe: FakeStripe, clock: VirtualClock
) -> None:
    from tests.components.stripe.conftest import provider_with

    wrong = "sk_test_51NotTheAccountsKey000000"
    with pytest.raises(StripeApiError, match="HTTP 401") as raised:
        provider_with(wrong, clock).create(props(stripe))
    assert wrong not in str(raised.value)


def test_the_key_is_never_pickled_into_the_state(provider: WebhookEndpointProvider) -> None:
    serialized = serialize_provider(provider)
    import base64

    assert TEST_KEY.encode() not in base64.b64decode(serialized)
    assert TEST_KEY not in repr(provider.__getstate__())


def test_without_a_key_the_error_says_where_to_set_one(
    stripe: FakeStripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    with pytest.raises(StripeApiError, match="crms:stripeSecretKey or STRIPE_SECRET_KEY"):
        WebhookEndpointProvider().create(props(stripe))

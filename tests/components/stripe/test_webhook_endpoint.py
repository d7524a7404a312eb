"""The webhook endpoint's provider against the spec-strict fake: create, take over, refresh,
update, delete, and the key's mode."""

import pytest

from components.stripe import api
from components.stripe.api import StripeApiError
from components.stripe.webhook_endpoint import WebhookEndpointProvider
from tests.components.stripe.conftest import LIVE_KEY, provider_with
from tests.components.stripe.fake_api import FakeStripe
from tests.components.stripe.support import EVENTS, URL, props
from tests.components.supabase.support import VirtualClock

ENDPOINTS = "/v1/webhook_endpoints"


def test_a_create_registers_the_events_and_keeps_the_secret(
    stripe: FakeStripe, provider: WebhookEndpointProvider
) -> None:
    created = provider.create(props(stripe))
    outs = created.outs or {}
    endpoint = stripe.endpoints["test"][created.id]
    assert (endpoint["url"], endpoint["enabled_events"]) == (URL, EVENTS)
    assert endpoint["api_version"] == "2023-08-16"
    assert endpoint["metadata"] == {"managed_by": "crms-infra", "stack": "staging"}
    assert outs["secret"].startswith("whsec_")
    assert (outs["livemode"], outs["status"], outs["taken_over"]) == (False, "enabled", [])
    assert all(h["stripe-version"] == "2023-08-16" for h in stripe.headers_seen)


def test_an_endpoint_of_the_same_url_is_taken_over_not_duplicated(
    stripe: FakeStripe, provider: WebhookEndpointProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = stripe.add("test", URL)
    for number in range(14):  # the account's limit is 16: the new one is the 16th
        stripe.add("test", f"https://elsewhere.example/{number}")
    monkeypatch.setattr(api, "PAGE_LIMIT", 4)  # so that the listing pages on, to the oldest
    created = provider.create(props(stripe))
    assert (created.outs or {})["taken_over"] == [old]
    same_url = [e for e in stripe.endpoints["test"].values() if e["url"] == URL]
    assert [e["id"] for e in same_url] == [created.id]
    assert stripe.count("GET", ENDPOINTS) == 4
    # The old one goes only after the new one exists: no event falls between the two.
    order = [(m, p) for m, p, _ in stripe.requests]
    assert order.index(("POST", ENDPOINTS)) < order.index(("DELETE", f"{ENDPOINTS}/{old}"))


def test_the_live_mode_endpoints_are_another_account_s(
    stripe: FakeStripe, clock: VirtualClock
) -> None:
    live = stripe.add("live", URL)
    created = provider_with(LIVE_KEY, clock).create(props(stripe, mode="live"))
    assert (created.outs or {})["livemode"] is True
    assert live not in stripe.endpoints["live"]
    assert stripe.endpoints["test"] == {}


@pytest.mark.parametrize("mode", ["live", "test"])
def test_a_key_of_the_other_mode_is_refused_before_any_call(
    stripe: FakeStripe, clock: VirtualClock, mode: str
) -> None:
    key = LIVE_KEY if mode == "test" else "sk_test_51FakeKeyForTheFakeOnly0000"
    with pytest.raises(StripeApiError, match=f"endpoint lives in {mode} mode") as raised:
        provider_with(key, clock).create(props(stripe, mode=mode))
    assert key not in str(raised.value)
    assert stripe.requests == []


def test_a_refresh_with_a_test_key_never_drops_prod_s_endpoint(
    stripe: FakeStripe, clock: VirtualClock, provider: WebhookEndpointProvider
) -> None:
    """A test key cannot see a live endpoint: Stripe would answer 404, and the refresh
    would drop it from the state. The mode check stops it first."""
    state = provider_with(LIVE_KEY, clock).create(props(stripe, mode="live"))
    with pytest.raises(StripeApiError, match="live mode"):
        provider.read(state.id, state.outs or {})


def test_a_refresh_reads_one_endpoint_and_keeps_the_secret(
    stripe: FakeStripe, provider: WebhookEndpointProvider
) -> None:
    created = provider.create(props(stripe))
    stripe.endpoints["test"][created.id]["enabled_events"] = ["*"]  # changed in the dashboard
    before = len(stripe.requests)
    read = provider.read(created.id, created.outs or {})
    assert len(stripe.requests) - before == 1
    outs = read.outs or {}
    assert outs["enabled_events"] == ["*"]
    assert outs["secret"] == (created.outs or {})["secret"]
    assert provider.diff(created.id, outs, props(stripe)).changes is True


def test_an_endpoint_deleted_outside_leaves_the_state_on_refresh_and_delete(
    stripe: FakeStripe, provider: WebhookEndpointProvider
) -> None:
    created = provider.create(props(stripe))
    del stripe.endpoints["test"][created.id]
    assert provider.read(created.id, created.outs or {}).id == ""
    provider.delete(created.id, created.outs or {})  # already gone: nothing to do


def test_an_update_sends_only_what_changed_and_removes_dropped_metadata(
    stripe: FakeStripe, provider: WebhookEndpointProvider
) -> None:
    created = provider.create(props(stripe))
    news = props(stripe, url="https://staging2.crms.swiss/api/webhooks/stripe", metadata={})
    diff = provider.diff(created.id, created.outs or {}, news)
    assert (diff.changes, diff.replaces) == (True, [])
    updated = provider.update(created.id, created.outs or {}, news)
    endpoint = stripe.endpoints["test"][created.id]
    assert endpoint["url"] == news["url"]
    assert endpoint["metadata"] == {}
    assert (updated.outs or {})["secret"] == (created.outs or {})["secret"]


def test_a_new_api_version_or_mode_is_a_new_endpoint_made_before_the_old_goes(
    stripe: FakeStripe, provider: WebhookEndpointProvider
) -> None:
    olds = provider.create(props(stripe)).outs or {}
    for change in ({"api_version": "2022-11-15"}, {"mode": "live"}):
        diff = provider.diff("we", olds, props(stripe, **change))
        assert diff.replaces == list(change)
        assert diff.delete_before_replace is False


def test_a_delete_deletes(stripe: FakeStripe, provider: WebhookEndpointProvider) -> None:
    created = provider.create(props(stripe))
    provider.delete(created.id, created.outs or {})
    assert stripe.endpoints["test"] == {}


@pytest.mark.parametrize(
    ("change", "field"),
    [({"url": "http://staging.crms.swiss/x"}, "url"), ({"enabled_events": []}, "enabled_events"),
     ({"mode": "sandbox"}, "mode")],
)  # fmt: skip
def test_check_refuses_what_stripe_or_the_stack_would(
    stripe: FakeStripe, provider: WebhookEndpointProvider, change: dict[str, object], field: str
) -> None:
    failures = provider.check({}, props(stripe, **change)).failures or []
    assert [failure.property for failure in failures] == [field]


def test_the_account_s_limit_of_endpoints_is_stripe_s_message(
    stripe: FakeStripe, provider: WebhookEndpointProvider
) -> None:
    for number in range(16):
        stripe.add("test", f"https://other.example/{number}")
    with pytest.raises(StripeApiError, match="maximum of 16"):
        provider.create(props(stripe))

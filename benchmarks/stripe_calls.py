"""How many Stripe API calls the payment webhook makes, against the spec-strict fake.

Runs prod's webhook endpoint (its settings as the program makes them) through its provider
against the fake of tests/components/stripe/: a create on an account without an endpoint at
that URL, a create that takes over one made in the dashboard (among 15 others: the account's
limit is 16), a refresh, a one-field update, a delete, and a create whose reply is lost (the
retry with the same Idempotency-Key replays it). Prints the calls per operation, and how many
endpoints each left. Run with `make bench`.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from pulumi.dynamic import Config, ConfigureRequest

from components.stripe.api import RetryPolicy
from components.stripe.webhook_endpoint import WebhookEndpointProvider
from crms_infra.offline.project import load_stack_settings
from stacks.stripe_webhook import payments_webhook_args
from tests.components.stripe.fake_api import FakeStripe, Fault
from tests.components.supabase.support import VirtualClock

REPO = Path(__file__).resolve().parent.parent
LIVE_KEY = "rk_live_51BenchKeyForTheFakeOnly00000"


def prod_props(api_url: str) -> dict[str, Any]:
    with mock.patch("pulumi.get_stack", return_value="prod"):
        args = payments_webhook_args(load_stack_settings(REPO, "prod"))
    return {
        "url": args.url,
        "enabled_events": sorted(args.events),
        "mode": args.mode,
        "api_version": "2023-08-16",
        "description": args.description,
        "metadata": dict(args.metadata),
        "stripe_api": api_url,
    }


def main() -> None:
    clock = VirtualClock()
    stripe = FakeStripe(keys={LIVE_KEY: "live"}, clock=clock).start()
    try:
        rows = run(stripe, clock)
    finally:
        stripe.stop()
    print("Stripe API calls against the fake, prod's webhook endpoint (live mode):")
    for name, (calls, left) in rows.items():
        print(f"  {name:<38} {calls:>2} calls, {left:>2} endpoint(s) at its URL")


def run(stripe: FakeStripe, clock: VirtualClock) -> dict[str, tuple[int, int]]:
    provider = WebhookEndpointProvider(retry=RetryPolicy(sleep=clock.sleep), request_timeout=5)
    provider.configure(ConfigureRequest(Config({"crms:stripeSecretKey": LIVE_KEY}, "crms")))
    props = prod_props(stripe.url)
    live = stripe.endpoints["live"]
    rows: dict[str, tuple[int, int]] = {}

    def measured(name: str, operation: Callable[[], Any]) -> Any:
        before = len(stripe.requests)
        result = operation()
        same_url = sum(1 for e in live.values() if e["url"] == props["url"])
        rows[name] = (len(stripe.requests) - before, same_url)
        return result

    created = measured("create", lambda: provider.create(props))
    state = created.outs or {}
    measured("refresh", lambda: provider.read(created.id, state))
    news = {**props, "description": "CRMS web app (prod): payments"}
    measured("update (description)", lambda: provider.update(created.id, state, news))
    measured("delete", lambda: provider.delete(created.id, state))
    for number in range(14):
        stripe.add("live", f"https://other.example/{number}")
    stripe.add("live", props["url"])  # the dashboard's endpoint, to take over
    taken = measured("create, taking over the dashboard's", lambda: provider.create(props))
    provider.delete(taken.id, taken.outs or {})
    stripe.faults.append(Fault("POST", "/v1/webhook_endpoints", drop_reply=True))
    measured("create, its first reply lost", lambda: provider.create(props))
    return rows


if __name__ == "__main__":
    main()

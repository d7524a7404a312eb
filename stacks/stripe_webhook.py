"""The Stripe webhook of the web app: its route, the events it handles, and the endpoint's
settings for this stack.

The events are those that move a row of the app's `payments` table to one of its final
statuses (app/operators/migrations/001_initial_schema.sql: succeeded, failed, refunded),
named as Stripe names them (the spec's `enabled_events` enum,
https://docs.stripe.com/api/events/types). A new handler in the app adds its event here.
"""

import pulumi

from components.payments_webhook import PaymentsWebhookArgs
from stacks.settings import StackSettings
from stacks.stripe_mode import stripe_mode

EVENTS = (
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "charge.refunded",
)
ROUTE = "/api/webhooks/stripe"
"""The web app's route that verifies the signature with STRIPE_WEBHOOK_SECRET."""


def webhook_url(settings: StackSettings) -> str:
    """The stack's site (crms:authSiteUrl, the web app's public URL) and the route."""
    return str(settings.auth.site_url).rstrip("/") + ROUTE


def payments_webhook_args(settings: StackSettings) -> PaymentsWebhookArgs:
    stack = pulumi.get_stack()
    return PaymentsWebhookArgs(
        url=webhook_url(settings),
        events=EVENTS,
        mode=stripe_mode(settings.environment).value,
        description=f"CRMS web app ({stack}): payment events",
        metadata={"managed_by": "crms-infra", "pulumi_stack": stack},
    )

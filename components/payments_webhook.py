"""The payment webhook: the Stripe endpoint that posts the web app's payment events to it,
and its signing secret, which reaches the app without passing through a human."""

from dataclasses import dataclass, field

import pulumi

from components.stripe.spec_facts import API_VERSION, DEFAULT_API_URL
from components.stripe.webhook_endpoint import WebhookEndpoint, WebhookEndpointInputs


@dataclass(frozen=True, kw_only=True)
class PaymentsWebhookArgs:
    url: str
    """The web app's https URL of its Stripe webhook route."""
    events: tuple[str, ...]
    """The event types the app handles (one list: stacks/stripe_webhook.py)."""
    mode: str
    """`live` in production, `test` elsewhere; the key's mode must match."""
    description: str
    """What the dashboard shows beside the endpoint."""
    metadata: dict[str, str] = field(default_factory=dict)
    """Kept on the endpoint: which stack manages it."""
    stripe_api: str = DEFAULT_API_URL
    """Base URL of Stripe's API (tests point it at a local server)."""


class PaymentsWebhook(pulumi.ComponentResource):
    endpoint_id: pulumi.Output[str]
    signing_secret: pulumi.Output[str]

    def __init__(
        self, name: str, args: PaymentsWebhookArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:PaymentsWebhook", name, None, opts)
        self.endpoint = WebhookEndpoint(
            f"{name}-endpoint",
            WebhookEndpointInputs(
                url=args.url,
                enabled_events=sorted(args.events),
                mode=args.mode,
                api_version=API_VERSION,
                description=args.description,
                metadata=dict(args.metadata),
                stripe_api=args.stripe_api,
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.endpoint_id = self.endpoint.endpoint_id
        # `whsec_...`, returned by Stripe at create only: the state keeps it, as a secret.
        self.signing_secret = pulumi.Output.secret(self.endpoint.secret)
        self.register_outputs(
            {"endpointId": self.endpoint_id, "url": args.url, "signingSecret": self.signing_secret}
        )

"""Stripe's API, spoken directly: a client and the dynamic provider of a webhook endpoint.

Why not the `pulumi-stripe` package (0.0.28, georgegebbett/pulumi-stripe at commit
238f20eec2eb901c94ea1a550fbb1818606f3f5f): it bridges lukasaron/terraform-provider-stripe at
commit ea82f9241a52324a6c510857d98e04858161667d (its provider/go.mod), whose
stripe/resource_stripe_webhook_endpoint.go
- always creates (`WebhookEndpoints.New`): an endpoint that already serves the URL is
  duplicated, never taken over, and a create retried after a lost reply makes a twin;
- retries only a 429, forever, doubling the wait (stripe/utils.go, retryWithBackOff), with no
  Idempotency-Key and no regard for the `Stripe-Should-Retry` header;
- never checks the key's mode: a live key in a test stack makes live endpoints.
The secret is only returned at create there too, which is Stripe's rule (spec3.yaml,
`webhook_endpoint.secret`: "Only returned at creation"), so this provider keeps it from the
create in the state, as a secret output.
"""

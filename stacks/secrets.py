"""The stack's secret config: read as secret Outputs, never as plain values."""

from dataclasses import dataclass

import pulumi

SECRET_KEYS: dict[str, str] = {
    # Read by the Supabase dynamic provider at call time, never by the program.
    "supabaseAccessToken": "Supabase personal access token for the Management API.",
    "stripeSecretKey": "Stripe secret API key (sk_live_... in prod, sk_test_... elsewhere).",
    "resendApiKey": "Resend API key for transactional e-mail (re_...).",
    "sentryDsn": "Sentry DSN of the CRMS web app.",
}
"""Secret config keys of the `crms` namespace and what each holds."""


@dataclass(frozen=True)
class StackSecrets:
    stripe_secret_key: pulumi.Output[str]
    resend_api_key: pulumi.Output[str]
    sentry_dsn: pulumi.Output[str]


def load_secrets() -> StackSecrets:
    """Read every secret key with `require_secret`, so each stays secret downstream."""
    config = pulumi.Config()
    return StackSecrets(
        stripe_secret_key=config.require_secret("stripeSecretKey"),
        resend_api_key=config.require_secret("resendApiKey"),
        sentry_dsn=config.require_secret("sentryDsn"),
    )

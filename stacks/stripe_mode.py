"""Stripe's two key modes, per stack: live in production only, test everywhere else (and in
every preview), and the check that a stack's key is of its stack's mode."""

from enum import StrEnum

from components.stripe.spec_facts import key_mode
from stacks.problems import HIDDEN, Problem, SettingsError
from stacks.settings import AppEnvironment


class StripeMode(StrEnum):
    LIVE = "live"
    TEST = "test"


def stripe_mode(environment: AppEnvironment) -> StripeMode:
    return StripeMode.LIVE if environment is AppEnvironment.PRODUCTION else StripeMode.TEST


def checked_stripe_key(key: str, mode: StripeMode, stack_file: str) -> str:
    """The key, if the mode its prefix names is the stack's: `sk_live_`/`rk_live_` and
    `sk_test_`/`rk_test_` (https://docs.stripe.com/keys); run when `pulumi up` has the secret
    (offline it is a stand-in, which names no mode)."""
    prefix_mode = key_mode(key)
    named = StripeMode(prefix_mode) if prefix_mode else None
    if named is not None and named is not mode:
        allowed = (
            f"holds a {named.value}-mode key, but this stack's Stripe runs in {mode.value} "
            f"mode (live in production only; other stacks' keys reach previews): set a "
            f"{mode.value}-mode key with `pulumi config set --secret stripeSecretKey`"
        )
        raise SettingsError(stack_file, [Problem("stripeSecretKey", HIDDEN, allowed)])
    return key

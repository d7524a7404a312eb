"""How the Stripe provider reaches the API: its key, checked against the stack's mode.

A dynamic provider is pickled into the stack's state, so it holds no key there: the key
comes, when a call is made, from the stack's secret config `crms:stripeSecretKey` (handed
over by `configure`, in the provider process only) or from `STRIPE_SECRET_KEY`. A key of the
other mode is refused before any call: a test key cannot see a live endpoint (Stripe answers
404), so a refresh with it would drop prod's endpoint from the state, and a live key in a test
stack would register live endpoints that charge nothing but receive real customers' events.
"""

import os

from pulumi.dynamic import ConfigureRequest, ResourceProvider

from components.stripe.api import RetryPolicy, StripeApi, StripeApiError
from components.stripe.spec_facts import DEFAULT_API_URL, key_mode
from stacks.json_values import JsonObject, as_text

KEY_CONFIG_KEY = "crms:stripeSecretKey"
KEY_ENV = "STRIPE_SECRET_KEY"


class StripeApiProvider(ResourceProvider):
    def __init__(self, retry: RetryPolicy | None = None, request_timeout: float = 30.0) -> None:
        super().__init__()
        self._retry = retry or RetryPolicy()
        self._request_timeout = request_timeout
        self._key: str | None = None

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_key"] = None  # never into the state file
        return state

    def configure(self, req: ConfigureRequest) -> None:
        key = req.config.get(KEY_CONFIG_KEY)
        self._key = str(key) if key else None

    def _api(self, props: JsonObject) -> StripeApi:
        key = self._key or os.environ.get(KEY_ENV)
        if not key:
            raise StripeApiError(
                "-", "-", None, f"no API key: set the secret config {KEY_CONFIG_KEY} or {KEY_ENV}"
            )
        mode = props.get("mode")
        named = key_mode(key)
        if named != mode:
            raise StripeApiError(
                "-", "-", None,
                f"the Stripe key in {KEY_CONFIG_KEY} is "
                + (f"a {named}-mode key" if named else "not a secret or restricted key")
                + f", but this stack's webhook endpoint lives in {mode} mode (live in production "
                f"only): set a {mode}-mode key (sk_{mode}_ or rk_{mode}_)",
            )  # fmt: skip
        return StripeApi(
            as_text(props.get("stripe_api") or DEFAULT_API_URL),
            key,
            self._retry,
            self._request_timeout,
        )

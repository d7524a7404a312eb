"""How every Sentry provider reaches the API: its token, its base URL.

A dynamic provider is pickled into the stack's state, so none holds a credential there:
the auth token comes, when a call is made, from the stack's secret config (handed over by
`configure`, in the provider process only) or from `SENTRY_AUTH_TOKEN`.
"""

import os

from pulumi.dynamic import ConfigureRequest, ResourceProvider

from components.sentry.api import DEFAULT_API_URL, RetryPolicy, SentryApi, SentryApiError
from stacks.json_values import JsonObject, as_text

TOKEN_CONFIG_KEY = "crms:sentryAuthToken"  # noqa: S105 (a key name, not a secret)
TOKEN_ENV = "SENTRY_AUTH_TOKEN"  # noqa: S105 (a variable name, not a secret)


class SentryApiProvider(ResourceProvider):
    """A dynamic provider that calls Sentry's API: its retries and token."""

    def __init__(self, retry: RetryPolicy | None = None, request_timeout: float = 30.0) -> None:
        super().__init__()
        self._retry = retry or RetryPolicy()
        self._request_timeout = request_timeout
        self._token: str | None = None

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_token"] = None  # never into the state file
        return state

    def configure(self, req: ConfigureRequest) -> None:
        token = req.config.get(TOKEN_CONFIG_KEY)
        self._token = str(token) if token else None

    def _api(self, props: JsonObject) -> SentryApi:
        token = self._token or os.environ.get(TOKEN_ENV)
        if not token:
            raise SentryApiError(
                "-", "-", None,
                f"no auth token: set the secret config {TOKEN_CONFIG_KEY} or {TOKEN_ENV}",
            )  # fmt: skip
        url = as_text(props.get("api_url") or DEFAULT_API_URL)
        return SentryApi(url, token, self._retry, self._request_timeout)

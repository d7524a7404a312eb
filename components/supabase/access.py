"""How every Supabase provider reaches the Management API: its token, its base URL, a ref.

A dynamic provider is pickled into the stack's state, so none holds a credential there:
the access token comes, when a call is made, from the stack's secret config (handed over
by `configure`, in the provider process only) or from `SUPABASE_ACCESS_TOKEN`.
"""

import os
import re

from pulumi.dynamic import ConfigureRequest, ResourceProvider

from components.supabase.api import DEFAULT_API_URL, ManagementApi, RetryPolicy, SupabaseApiError
from components.supabase.waiting import Waiting
from stacks.json_values import JsonObject, as_text

TOKEN_CONFIG_KEY = "crms:supabaseAccessToken"  # noqa: S105 (a key name, not a secret)
TOKEN_ENV = "SUPABASE_ACCESS_TOKEN"  # noqa: S105 (a variable name, not a secret)

# The `ref` path parameter of every project endpoint: 20 lower-case letters (minLength and
# maxLength 20, pattern ^[a-z]+$ in tests/fixtures/supabase-management-api-v1.openapi.json).
PROJECT_REF = re.compile(r"[a-z]{20}")


def api_url(ref: str) -> str:
    """The Project URL its clients are given, `https://<ref>.supabase.co`
    (https://supabase.com/docs/reference/swift, "Initializing")."""
    return f"https://{ref}.supabase.co"


class ManagementApiProvider(ResourceProvider):
    """A dynamic provider that calls the Management API: its retries, waits and token."""

    def __init__(
        self,
        retry: RetryPolicy | None = None,
        waiting: Waiting | None = None,
        request_timeout: float = 30.0,
    ) -> None:
        super().__init__()
        self._retry = retry or RetryPolicy()
        self._waiting = waiting or Waiting()
        self._request_timeout = request_timeout
        self._token: str | None = None

    def configure(self, req: ConfigureRequest) -> None:
        token = req.config.get(TOKEN_CONFIG_KEY)
        self._token = str(token) if token else None

    def _api(self, props: JsonObject) -> ManagementApi:
        """A client for the resource's API: its `management_api`, or Supabase's own when the
        engine reads a resource by ID alone (`.get`), which passes no other property."""
        token = self._token or os.environ.get(TOKEN_ENV)
        if not token:
            raise SupabaseApiError(
                "-", "-", None,
                f"no access token: set the secret config {TOKEN_CONFIG_KEY} or {TOKEN_ENV}",
            )  # fmt: skip
        url = as_text(props.get("management_api") or DEFAULT_API_URL)
        return ManagementApi(url, token, self._retry, self._request_timeout)


def project_ref(resource_id: str, what: str) -> str:
    """The ID as a project ref; anything else is refused in one sentence, before any call."""
    if not PROJECT_REF.fullmatch(resource_id):
        shown = resource_id if len(resource_id) <= 40 else resource_id[:40] + "…"
        raise SupabaseApiError(
            "-", "-", None,
            f"cannot read {what} {shown!r}: its ID must be the project's ref, "
            "20 lower-case letters (Project Settings > General in the dashboard)",
        )  # fmt: skip
    return resource_id

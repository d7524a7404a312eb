"""A small client for the Supabase Management API v1, with retries that are safe.

Written on httpx rather than a generated client: the project uses some twenty endpoints,
and the retry rules (which calls may repeat, how long a rate limit lasts) are the part
that matters. The access token is passed per client and never appears in an error,
a log line or a repr; nor does any value the caller hides (an SMTP password it sends).

A 429 waits for the rate-limit window's reset (`rate_limits`), and the time one call
may spend throttled is longer than the window.
"""

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from components.supabase.api_errors import (
    NOT_READY,
    REMOVED,
    NotFoundError,
    NotReadyError,
    SupabaseApiError,
    error_of,
    transport_message,
)
from components.supabase.rate_limits import (
    RATE_LIMIT_WINDOW,
    RESET_MARGIN,
    quota,
    seconds,
    throttle_wait,
)
from stacks.json_values import JsonObject, JsonValue, as_array, as_object

# The errors are part of the client's interface: callers import them from here.
__all__ = [
    "DEFAULT_API_URL",
    "NOT_READY",
    "REMOVED",
    "ManagementApi",
    "NotFoundError",
    "NotReadyError",
    "RetryPolicy",
    "SupabaseApiError",
]

DEFAULT_API_URL = "https://api.supabase.com"
SERVER_ERRORS = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    """Tries of one call that meets a server error or a timeout (reads and deletes only)."""
    base_delay: float = 1.0
    max_delay: float = 30.0
    throttle_budget: float = 3 * RATE_LIMIT_WINDOW
    """Seconds one call may spend waiting on 429s: three windows, so a throttled run waits."""
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def backoff(self, attempt: int) -> float:
        # Full jitter: spreads retries of many runs apart.
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))  # noqa: S311


class ManagementApi:
    def __init__(
        self,
        base_url: str,
        token: str,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=timeout,
        )
        self._retry = retry or RetryPolicy()
        self._window_ends: dict[str, float] = {}  # endpoint -> clock time its quota returns
        self._hidden: frozenset[str] = frozenset()

    def hide(self, *values: str | None) -> None:
        """Values sent through this client that no error it raises may repeat."""
        self._hidden |= {value for value in values if value}

    def __repr__(self) -> str:
        return f"ManagementApi({str(self._client.base_url)!r})"

    def close(self) -> None:
        self._client.close()

    def list_projects(self) -> list[JsonObject]:
        return _objects(self.call("GET", "/v1/projects"))

    def create_project(self, body: JsonObject) -> JsonObject:
        # Not repeated on a server error or timeout: the project may exist by then.
        # The caller looks for it by name before trying again.
        return as_object(self.call("POST", "/v1/projects", json=body, idempotent=False))

    def get_project(self, ref: str) -> JsonObject:
        return as_object(self.call("GET", f"/v1/projects/{ref}"))

    def rename_project(self, ref: str, name: str) -> None:
        # PATCH /v1/projects/{ref}, body V1UpdateProjectBody {name}; the official Terraform
        # provider renames this way (internal/provider/project_resource.go, updateName).
        self.call("PATCH", f"/v1/projects/{ref}", json={"name": name})

    def set_database_password(self, ref: str, password: str) -> None:
        # PATCH /v1/projects/{ref}/database/password, body V1UpdatePasswordBody {password}
        # (minLength 4); Terraform's updateDatabasePassword does the same.
        self.call("PATCH", f"/v1/projects/{ref}/database/password", json={"password": password})

    def delete_project(self, ref: str) -> None:
        self.call("DELETE", f"/v1/projects/{ref}")

    def api_keys(self, ref: str) -> list[JsonObject]:
        # `reveal=true`: without it the API withholds the keys' values.
        path = f"/v1/projects/{ref}/api-keys"
        return _objects(self.call("GET", path, params={"reveal": "true"}))

    def pooler_config(self, ref: str) -> list[JsonObject]:
        return _objects(self.call("GET", f"/v1/projects/{ref}/config/database/pooler"))

    def addons(self, ref: str) -> JsonObject:
        return as_object(self.call("GET", f"/v1/projects/{ref}/billing/addons"))

    def apply_addon(self, ref: str, addon_type: str, variant: str) -> None:
        body = {"addon_type": addon_type, "addon_variant": variant}
        self.call("PATCH", f"/v1/projects/{ref}/billing/addons", json=body)

    def call(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, JsonValue] | None = None,
        params: dict[str, str | list[str]] | None = None,
        idempotent: bool = True,
    ) -> JsonValue:
        """One call, retried where that is safe; the answer's JSON (None for an empty body)."""
        try:
            return self._call(method, path, json, params, idempotent)
        except SupabaseApiError as error:
            raise error.hiding(self._hidden) from None

    def _call(
        self,
        method: str,
        path: str,
        json: Mapping[str, JsonValue] | None,
        params: dict[str, str | list[str]] | None,
        idempotent: bool,
    ) -> JsonValue:
        endpoint = f"{method} {path}"
        failures = 0
        throttled = 0.0
        while True:
            self._wait_for_quota(endpoint)
            try:
                response = self._client.request(method, path, json=json, params=params)
            except httpx.TransportError as error:
                failures += 1
                if failures >= self._retry.attempts or not idempotent:
                    raise SupabaseApiError(method, path, None, transport_message(error)) from None
                self._retry.sleep(self._retry.backoff(failures - 1))
                continue
            self._note_quota(endpoint, response)
            if response.status_code == 429:
                # Not processed, so even a create may repeat; retrying before the reset
                # only meets another 429, so wait for it.
                wait = throttle_wait(response)
                if throttled + wait > self._retry.throttle_budget:
                    raise SupabaseApiError(
                        method, path, 429,
                        f"rate limited ({quota(response)}); waited {throttled:g} s, "
                        f"the reset is {wait:g} s away and the budget is "
                        f"{self._retry.throttle_budget:g} s: run again later",
                    )  # fmt: skip
                self._retry.sleep(wait)
                throttled += wait
                continue
            if idempotent and response.status_code in SERVER_ERRORS:
                failures += 1
                if failures < self._retry.attempts:
                    self._retry.sleep(self._retry.backoff(failures - 1))
                    continue
            if not response.is_success:
                raise error_of(method, path, response)
            answer: JsonValue = response.json() if response.content else None
            return answer

    def _note_quota(self, endpoint: str, response: httpx.Response) -> None:
        """Remember when an endpoint whose quota ran out becomes usable again."""
        remaining = seconds(response.headers.get("X-RateLimit-Remaining"))
        reset = seconds(response.headers.get("X-RateLimit-Reset"))
        if remaining == 0 and reset is not None and response.status_code != 429:
            self._window_ends[endpoint] = self._retry.clock() + reset + RESET_MARGIN

    def _wait_for_quota(self, endpoint: str) -> None:
        """Rather than spend a request on a certain 429, wait for the window to reset."""
        window_end = self._window_ends.pop(endpoint, None)
        if window_end is not None:
            wait = window_end - self._retry.clock()
            # A reset beyond the budget is not waited for: the call meets its 429 and fails.
            if 0 < wait <= self._retry.throttle_budget:
                self._retry.sleep(wait)


def _objects(answer: JsonValue) -> list[JsonObject]:
    """An answer that is an array of objects."""
    return [as_object(entry) for entry in as_array(answer)]

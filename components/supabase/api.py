"""A small client for the Supabase Management API v1, with retries that are safe.

Written on httpx rather than a generated client: the project uses seven
endpoints, and the retry rules (which calls may repeat, Retry-After) are the
part that matters. The access token is passed per client and never appears in
an error, a log line or a repr.
"""

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

DEFAULT_API_URL = "https://api.supabase.com"
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


class SupabaseApiError(Exception):
    """The API refused or failed a call; the message is the API's own, never the token."""

    def __init__(self, method: str, path: str, status: int | None, message: str) -> None:
        self.status = status
        where = f"{method} {path}"
        super().__init__(
            f"Supabase Management API {where}: "
            + (f"HTTP {status}: {message}" if status is not None else message)
        )


class NotFoundError(SupabaseApiError):
    """The addressed object does not exist (HTTP 404)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_delay)
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

    def __repr__(self) -> str:
        return f"ManagementApi({str(self._client.base_url)!r})"

    def close(self) -> None:
        self._client.close()

    def list_projects(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/v1/projects"))

    def create_project(self, body: dict[str, Any]) -> dict[str, Any]:
        # Not repeated on a server error or timeout: the project may exist by then.
        # The caller looks for it by name before trying again.
        return dict(self._call("POST", "/v1/projects", json=body, idempotent=False))

    def get_project(self, ref: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/v1/projects/{ref}"))

    def delete_project(self, ref: str) -> None:
        self._call("DELETE", f"/v1/projects/{ref}")

    def api_keys(self, ref: str) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/v1/projects/{ref}/api-keys", params={"reveal": "true"}))

    def pooler_config(self, ref: str) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/v1/projects/{ref}/config/database/pooler"))

    def apply_addon(self, ref: str, addon_type: str, variant: str) -> None:
        body = {"addon_type": addon_type, "addon_variant": variant}
        self._call("PATCH", f"/v1/projects/{ref}/billing/addons", json=body)

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        idempotent: bool = True,
    ) -> Any:
        for attempt in range(self._retry.attempts):
            last = attempt == self._retry.attempts - 1
            try:
                response = self._client.request(method, path, json=json, params=params)
            except httpx.TransportError as error:
                if last or not idempotent:
                    raise SupabaseApiError(method, path, None, _transport_message(error)) from None
                self._retry.sleep(self._retry.delay(attempt, None))
                continue
            # A 429 means the request was not processed, so even a create may repeat.
            retryable = response.status_code == 429 or (
                idempotent and response.status_code in RETRYABLE_STATUS
            )
            if retryable and not last:
                self._retry.sleep(self._retry.delay(attempt, _retry_after(response)))
                continue
            return _result(method, path, response)
        raise AssertionError("unreachable: the last attempt returns or raises")


def _result(method: str, path: str, response: httpx.Response) -> Any:
    if response.is_success:
        return response.json() if response.content else None
    error_type = NotFoundError if response.status_code == 404 else SupabaseApiError
    raise error_type(method, path, response.status_code, _api_message(response))


def _api_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "no message"
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or body)
    return str(body)


def _transport_message(error: httpx.TransportError) -> str:
    kind = "timed out" if isinstance(error, httpx.TimeoutException) else "could not connect"
    return f"{kind} ({type(error).__name__})"


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds, given as seconds or as an HTTP date."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

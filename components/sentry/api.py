"""A small client for Sentry's web API (`/api/0/`), with retries that are safe.

Operations and shapes are those of Sentry's published OpenAPI document
(getsentry/sentry-api-schema `openapi-derefed.json`, commit a589a26c; the excerpt the tests
check against is tests/fixtures/sentry-api-excerpt.openapi.json). Its `servers` entry is
`https://{region}.sentry.io` with region `us` or `de`: the EU organizations' API is
`https://de.sentry.io`.

Rate limits (https://docs.sentry.io/api/ratelimits/): a fixed window per caller and
endpoint; every answer carries `X-Sentry-Rate-Limit-Remaining` and
`X-Sentry-Rate-Limit-Reset` (UTC epoch seconds when the next window starts); past the limit
the API answers 429. A 429 waits until that reset (or a `Retry-After`, if a proxy sends one),
within a budget. The auth token is passed per client and never appears in an error, a log
line or a repr.
"""

import email.utils
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from stacks.json_values import JsonObject, JsonValue, as_array, as_object

DEFAULT_API_URL = "https://de.sentry.io"
SERVER_ERRORS = frozenset({500, 502, 503, 504})
RATE_LIMIT_WINDOW = 60.0
"""Seconds a 429 without any reset header waits."""


class SentryApiError(Exception):
    """The API refused or failed a call; the message is the API's own, never the token."""

    def __init__(self, method: str, path: str, status: int | None, message: str) -> None:
        self.method, self.path, self.status, self.message = method, path, status, message
        super().__init__(
            f"Sentry API {method} {path}: "
            + (f"HTTP {status}: {message}" if status is not None else message)
        )


class NotFoundError(SentryApiError):
    """HTTP 404: the organization, project or key does not exist (or the token cannot see it)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    """Tries of one idempotent call that meets a server error or a timeout."""
    base_delay: float = 1.0
    max_delay: float = 30.0
    throttle_budget: float = 180.0
    """Seconds one call may spend waiting on 429s."""
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    wall_clock: Callable[[], float] = field(default=time.time, repr=False)
    """UTC epoch seconds: X-Sentry-Rate-Limit-Reset is a time, not a duration."""

    def backoff(self, attempt: int) -> float:
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))  # noqa: S311


class SentryApi:
    def __init__(
        self, base_url: str, token: str, retry: RetryPolicy | None = None, timeout: float = 30.0
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=timeout,
        )
        self._token = token
        self._retry = retry or RetryPolicy()

    def __repr__(self) -> str:
        return f"SentryApi({str(self._client.base_url)!r})"

    def close(self) -> None:
        self._client.close()

    def organization(self, org: str) -> JsonObject:
        return as_object(self.call("GET", f"/api/0/organizations/{org}/"))

    def project(self, org: str, slug: str) -> JsonObject:
        return as_object(self.call("GET", f"/api/0/projects/{org}/{slug}/"))

    def create_project(self, org: str, team: str, body: JsonObject) -> JsonObject:
        # Not repeated on a server error: the caller looks the project up by slug first.
        path = f"/api/0/teams/{org}/{team}/projects/"
        return as_object(self.call("POST", path, json=body, idempotent=False))

    def update_project(self, org: str, slug: str, body: JsonObject) -> JsonObject:
        return as_object(self.call("PUT", f"/api/0/projects/{org}/{slug}/", json=body))

    def delete_project(self, org: str, slug: str) -> None:
        self.call("DELETE", f"/api/0/projects/{org}/{slug}/")

    def keys(self, org: str, project: str) -> list[JsonObject]:
        # Paginated by `cursor` (Link header); a project holds a handful of keys, and the
        # first page (100) is every one a stack makes.
        return _objects(self.call("GET", f"/api/0/projects/{org}/{project}/keys/"))

    def key(self, org: str, project: str, key_id: str) -> JsonObject:
        return as_object(self.call("GET", f"/api/0/projects/{org}/{project}/keys/{key_id}/"))

    def create_key(self, org: str, project: str, body: JsonObject) -> JsonObject:
        path = f"/api/0/projects/{org}/{project}/keys/"
        return as_object(self.call("POST", path, json=body, idempotent=False))

    def update_key(self, org: str, project: str, key_id: str, body: JsonObject) -> JsonObject:
        path = f"/api/0/projects/{org}/{project}/keys/{key_id}/"
        return as_object(self.call("PUT", path, json=body))

    def delete_key(self, org: str, project: str, key_id: str) -> None:
        self.call("DELETE", f"/api/0/projects/{org}/{project}/keys/{key_id}/")

    def call(
        self, method: str, path: str, *, json: JsonObject | None = None, idempotent: bool = True
    ) -> JsonValue:
        """One call, retried where that is safe; the answer's JSON (None for an empty body)."""
        failures = 0
        throttled = 0.0
        while True:
            try:
                response = self._client.request(method, path, json=json)
            except httpx.TransportError as error:
                failures += 1
                if failures >= self._retry.attempts or not idempotent:
                    raise SentryApiError(method, path, None, _transport(error)) from None
                self._retry.sleep(self._retry.backoff(failures - 1))
                continue
            if response.status_code == 429:
                # Refused, not processed: even a create may repeat once the window resets.
                wait = self._throttle_wait(response)
                if throttled + wait > self._retry.throttle_budget:
                    raise SentryApiError(
                        method, path, 429,
                        f"rate limited; waited {throttled:g} s, the window resets in {wait:g} s "
                        f"and the budget is {self._retry.throttle_budget:g} s: run again later",
                    )  # fmt: skip
                self._retry.sleep(wait)
                throttled += wait
                continue
            if idempotent and response.status_code in SERVER_ERRORS:
                failures += 1
                if failures < self._retry.attempts:
                    self._retry.sleep(self._retry.backoff(failures - 1))
                    continue
            return self._result(method, path, response)

    def _throttle_wait(self, response: httpx.Response) -> float:
        reset = _number(response.headers.get("X-Sentry-Rate-Limit-Reset"))
        if reset is not None:
            return max(0.0, reset - self._retry.wall_clock()) + 1.0  # whole seconds: a margin
        retry_after = response.headers.get("Retry-After")
        if retry_after is not None:
            seconds = _number(retry_after)
            if seconds is not None:
                return seconds
            try:
                when = email.utils.parsedate_to_datetime(retry_after)
            except (TypeError, ValueError):
                return RATE_LIMIT_WINDOW
            return max(0.0, when.timestamp() - self._retry.wall_clock())
        return RATE_LIMIT_WINDOW

    def _result(self, method: str, path: str, response: httpx.Response) -> JsonValue:
        if response.is_success:
            answer: JsonValue = response.json() if response.content else None
            return answer
        message = _message(response).replace(self._token, "[secret]")
        error = NotFoundError if response.status_code == 404 else SentryApiError
        raise error(method, path, response.status_code, message)


def _objects(answer: JsonValue) -> list[JsonObject]:
    """An answer that is an array of objects."""
    return [as_object(entry) for entry in as_array(answer)]


def _message(response: httpx.Response) -> str:
    """Django REST framework's error shapes: `{"detail": ...}`, or field -> [messages]."""
    try:
        body: JsonValue = response.json()
    except ValueError:
        return response.reason_phrase or "no message"
    if isinstance(body, dict):
        if isinstance(body.get("detail"), str):
            return str(body["detail"])
        return "; ".join(
            f"{name}: {' '.join(map(str, value)) if isinstance(value, list) else value}"
            for name, value in body.items()
        )[:500]
    return str(body)[:500]


def _number(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) and number >= 0 else None


def _transport(error: httpx.TransportError) -> str:
    kind = "timed out" if isinstance(error, httpx.TimeoutException) else "could not connect"
    return f"{kind} ({type(error).__name__})"

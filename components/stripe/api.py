"""A small client for Stripe's webhook endpoints, with retries that never make a twin.

As Stripe's own Python library retries (stripe/stripe-python stripe/_http_client.py,
`_should_retry`, commit 6c6e3736d16dde7a2f0155379ea3cd99b976460b): a `Stripe-Should-Retry`
header decides first; else a connection failure, a 409 and a 5xx are retried, with a
backoff that doubles from half a second. A 429 is retried too, with the same backoff, as
https://docs.stripe.com/rate-limits ("Handling limiting gracefully") asks. Every POST
carries an Idempotency-Key made once per operation and sent again on each retry of it
(https://docs.stripe.com/api/idempotent_requests: a repeat with the same key returns the
first result), so a create whose reply was lost is not carried out twice.

Requests are form-encoded, arrays and hashes in brackets (`enabled_events[0]`,
`metadata[stack]`), as the spec's `application/x-www-form-urlencoded` bodies with
`style: deepObject` say. The key is sent per client and never appears in an error or a repr.
"""

import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx

from components.stripe.spec_facts import API_VERSION, PAGE_LIMIT
from stacks.json_values import JsonObject, JsonValue, as_array, as_object, as_text, at, obj

RETRIED_STATUSES = frozenset({409, 429})
FORM = "application/x-www-form-urlencoded"


class StripeApiError(Exception):
    """Stripe refused or failed a call; the message is Stripe's own, never the key."""

    def __init__(self, method: str, path: str, status: int | None, message: str) -> None:
        self.method, self.path, self.status, self.message = method, path, status, message
        super().__init__(
            f"Stripe API {method} {path}: "
            + (f"HTTP {status}: {message}" if status is not None else message)
        )


class NotFoundError(StripeApiError):
    """HTTP 404, `resource_missing`: the endpoint does not exist (or was deleted)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    """Tries of one call in all (stripe-python's default max_network_retries is 2; a deploy
    can wait longer than a payment page)."""
    base_delay: float = 0.5
    max_delay: float = 5.0
    """stripe-python's INITIAL_DELAY and MAX_DELAY."""
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def backoff(self, attempt: int) -> float:
        delay = min(self.max_delay, self.base_delay * 2**attempt)
        # stripe-python's jitter: between half and all of the delay, never below the base.
        return float(max(self.base_delay, delay * (0.5 + random.random() / 2)))  # noqa: S311


def form(values: JsonObject) -> list[tuple[str, str]]:
    """A body as Stripe reads it: lists as `key[0]`, dicts as `key[name]`, booleans lower."""
    pairs: list[tuple[str, str]] = []
    for key, value in values.items():
        if isinstance(value, list):
            pairs += [(f"{key}[{index}]", str(item)) for index, item in enumerate(value)]
        elif isinstance(value, dict):
            pairs += [(f"{key}[{name}]", str(item)) for name, item in value.items()]
        elif isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        else:
            pairs.append((key, str(value)))
    return pairs


class StripeApi:
    def __init__(
        self, base_url: str, key: str, retry: RetryPolicy | None = None, timeout: float = 30.0
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {key}", "Stripe-Version": API_VERSION},
            timeout=timeout,
        )
        self._retry = retry or RetryPolicy()

    def __repr__(self) -> str:
        return f"StripeApi({str(self._client.base_url)!r})"

    def close(self) -> None:
        self._client.close()

    def endpoints(self) -> Iterator[JsonObject]:
        """Every webhook endpoint of the account, page after page (`starting_after`)."""
        params: dict[str, str] = {"limit": str(PAGE_LIMIT)}
        while True:
            page = as_object(self.call("GET", "/v1/webhook_endpoints", params=params))
            data = [as_object(entry) for entry in as_array(page["data"])]
            yield from data
            if not page["has_more"] or not data:
                return
            params = {**params, "starting_after": as_text(data[-1]["id"])}

    def create(self, body: JsonObject) -> JsonObject:
        return as_object(self.call("POST", "/v1/webhook_endpoints", body=body))

    def get(self, endpoint_id: str) -> JsonObject:
        return as_object(self.call("GET", f"/v1/webhook_endpoints/{endpoint_id}"))

    def update(self, endpoint_id: str, body: JsonObject) -> JsonObject:
        return as_object(self.call("POST", f"/v1/webhook_endpoints/{endpoint_id}", body=body))

    def delete(self, endpoint_id: str) -> None:
        self.call("DELETE", f"/v1/webhook_endpoints/{endpoint_id}")

    def call(
        self,
        method: str,
        path: str,
        *,
        body: JsonObject | None = None,
        params: dict[str, str] | None = None,
    ) -> JsonValue:
        """One operation, retried as stripe-python would; its answer's JSON."""
        headers = {}
        content = None
        if method == "POST":
            headers = {"Idempotency-Key": str(uuid.uuid4()), "Content-Type": FORM}
            content = urlencode(form(body or {}))
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._client.request(
                    method, path, params=params, content=content, headers=headers
                )
            except httpx.TransportError as error:
                if attempt >= self._retry.attempts:
                    raise StripeApiError(method, path, None, _transport_message(error)) from None
                self._retry.sleep(self._retry.backoff(attempt - 1))
                continue
            if response.is_success:
                answer: JsonValue = response.json()
                return answer
            if attempt < self._retry.attempts and _should_retry(response):
                self._retry.sleep(self._retry.backoff(attempt - 1))
                continue
            raise _error(method, path, response)


def _should_retry(response: httpx.Response) -> bool:
    advice = response.headers.get("Stripe-Should-Retry")
    if advice in ("true", "false"):
        return bool(advice == "true")
    return response.status_code in RETRIED_STATUSES or response.status_code >= 500


def _error(method: str, path: str, response: httpx.Response) -> StripeApiError:
    """The spec's `error` body: `{"error": {"type", "code", "message", ...}}`."""
    try:
        body: JsonValue = response.json()
    except ValueError:
        body = None
    detail = obj(at(body, "error"))
    message = str(detail.get("message") or response.reason_phrase or "no message")
    code = detail.get("code")
    shown = f"{message} ({code})" if code else message
    kind = NotFoundError if response.status_code == 404 else StripeApiError
    return kind(method, path, response.status_code, shown)


def _transport_message(error: httpx.TransportError) -> str:
    kind = "timed out" if isinstance(error, httpx.TimeoutException) else "could not connect"
    return f"{kind} ({type(error).__name__})"

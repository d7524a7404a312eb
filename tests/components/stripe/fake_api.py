"""A local stand-in for Stripe's webhook endpoints API, as strict as its spec.

A real HTTP server on a loopback port. Every request is decoded as Stripe reads a form and
checked against the spec excerpt (`spec`); every answer is checked too, and a drift is
recorded in `violations` (the fixture fails the test on any). As Stripe documents:
- a key names its mode (https://docs.stripe.com/keys), and each mode sees only its own
  endpoints; a wrong key answers 401;
- at most 16 endpoints per account and mode (https://docs.stripe.com/webhooks), live mode
  only over HTTPS; the secret is in the create's answer alone (spec: `secret`);
- an Idempotency-Key replays the first answer to the same request and refuses a different
  request under it (https://docs.stripe.com/api/idempotent_requests);
- 25 requests a second in test mode, 100 in live mode, then 429
  (https://docs.stripe.com/rate-limits), seconds counted on the test's clock;
- an unknown endpoint is 404 `resource_missing`.
`faults` fail a request on demand, or carry it out and drop the reply.
"""

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from tests.components.stripe.spec import FORM, SpecViolation, decode_form, spec

Answer = tuple[int, Any, dict[str, str]]
RATE_LIMITS = {"live": 100, "test": 25}
MAX_ENDPOINTS = 16


@dataclass
class Fault:
    """The next request matching `method` and `path` gets this answer instead."""

    method: str
    path: str
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    drop_reply: bool = False  # carry the request out, then close without answering


def error(status: int, message: str, code: str | None = None, kind: str = "") -> Answer:
    body: dict[str, Any] = {
        "type": kind or ("api_error" if status >= 500 else "invalid_request_error"),
        "message": message,
    }
    if code:
        body["code"] = code
    return status, {"error": body}, {}


@dataclass(kw_only=True)
class FakeStripe:
    keys: dict[str, str]
    """API key -> mode."""
    clock: Callable[[], float] = time.monotonic
    endpoints: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {"live": {}, "test": {}}
    )
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    headers_seen: list[dict[str, str]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    created_count: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._saved: dict[tuple[str, str], tuple[str, Answer]] = {}
        self._second: dict[str, tuple[int, int]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeStripe":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def count(self, method: str, path: str, status: int | None = None) -> int:
        return sum(
            1 for m, p, s in self.requests if (m, p) == (method, path) and status in (None, s)
        )

    def add(self, mode: str, url: str, **fields: Any) -> str:
        """An endpoint made outside the program (the dashboard)."""
        with self._lock:
            return str(self._create(mode, {"url": url, "enabled_events": ["*"], **fields})[1]["id"])

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], raw: str,
        headers: dict[str, str],
    ) -> tuple[Answer, bool]:  # fmt: skip
        """The answer, and whether to drop it instead of sending it."""
        with self._lock:
            answer, drop = self._answer(method, path, query, raw, headers)
            self.requests.append((method, path, answer[0]))
            self.headers_seen.append(headers)
            try:
                spec().check_response(method, path, answer[0], answer[1])
            except SpecViolation as violation:
                self.violations.append(f"{method} {path} {answer[0]}: {violation}")
            return answer, drop

    def _answer(
        self, method: str, path: str, query: dict[str, list[str]], raw: str,
        headers: dict[str, str],
    ) -> tuple[Answer, bool]:  # fmt: skip
        authorization = headers.get("authorization", "")
        mode = self.keys.get(authorization.removeprefix("Bearer "))
        if not authorization.startswith("Bearer ") or mode is None:
            return error(401, "Invalid API Key provided: sk_****"), False
        if self._throttled(mode):
            return error(429, "Request rate limit exceeded.", "rate_limit"), False
        fault = next((f for f in self.faults if (f.method, f.path) == (method, path)), None)
        if fault is not None:
            self.faults.remove(fault)
            if not fault.drop_reply:
                status, body, _ = error(fault.status, "injected fault")
                return (status, body, fault.headers), False
        if method == "POST" and headers.get("content-type", "").split(";")[0] != FORM:
            return error(400, "Content-Type must be application/x-www-form-urlencoded"), False
        body = decode_form(parse_qsl(raw, keep_blank_values=True))
        key = headers.get("idempotency-key")
        if method == "POST" and key:
            saved = self._saved.get((mode, key))
            if saved is not None:
                if saved[0] != f"{path}?{raw}":
                    return error(400, "Keys for idempotent requests can only be used with the "
                                 "same parameters they were first used with.",
                                 kind="idempotency_error"), False  # fmt: skip
                status, payload, _ = saved[1]
                return (status, payload, {"Idempotent-Replayed": "true"}), False
        try:
            spec().check_request(method, path, query, body)
            answer = self._carry_out(mode, method, path, query, body)
        except SpecViolation as violation:
            answer = error(violation.status, str(violation), "parameter_invalid_empty"
                           if violation.status == 400 else "resource_missing")  # fmt: skip
        if method == "POST" and key:
            self._saved[(mode, key)] = (f"{path}?{raw}", answer)
        return answer, fault is not None and fault.drop_reply

    def _throttled(self, mode: str) -> bool:
        second = int(self.clock())
        start, used = self._second.get(mode, (second, 0))
        used = used + 1 if start == second else 1
        self._second[mode] = (second, used)
        return used > RATE_LIMITS[mode]

    def _carry_out(
        self, mode: str, method: str, path: str, query: dict[str, list[str]], body: dict[str, Any]
    ) -> Answer:
        endpoints = self.endpoints[mode]
        if path == "/v1/webhook_endpoints":
            if method == "POST":
                return self._create(mode, body)
            return self._list(endpoints, query)
        endpoint_id = path.rsplit("/", 1)[1]
        endpoint = endpoints.get(endpoint_id)
        if endpoint is None:
            return error(404, f"No such webhook endpoint: '{endpoint_id}'", "resource_missing")
        if method == "DELETE":
            del endpoints[endpoint_id]
            return 200, {"id": endpoint_id, "object": "webhook_endpoint", "deleted": True}, {}
        if method == "POST":
            for name in ("url", "enabled_events"):
                endpoint[name] = body.get(name, endpoint[name])
            if "description" in body:
                endpoint["description"] = body["description"] or None
            if "disabled" in body:
                endpoint["status"] = "disabled" if body["disabled"] == "true" else "enabled"
            metadata = {**endpoint["metadata"], **body.get("metadata", {})}
            endpoint["metadata"] = {k: v for k, v in metadata.items() if v != ""}
        return 200, dict(endpoint), {}

    def _create(self, mode: str, body: dict[str, Any]) -> Answer:
        endpoints = self.endpoints[mode]
        if len(endpoints) >= MAX_ENDPOINTS:
            return error(400, f"You have reached the maximum of {MAX_ENDPOINTS} test and live "
                         "webhook endpoints.", "webhook_endpoint_limit")  # fmt: skip
        if mode == "live" and not body["url"].startswith("https://"):
            return error(400, "Invalid URL: URL must be publicly accessible and use HTTPS.",
                         "url_invalid")  # fmt: skip
        self.created_count += 1
        endpoint = {
            "id": f"we_{secrets.token_hex(12)}",
            "object": "webhook_endpoint",
            "api_version": body.get("api_version"),
            "application": None,
            "created": int(time.time()) + self.created_count,
            "description": body.get("description") or None,
            "enabled_events": body["enabled_events"],
            "livemode": mode == "live",
            "metadata": {k: v for k, v in body.get("metadata", {}).items() if v != ""},
            "status": "enabled",
            "url": body["url"],
        }
        endpoints[endpoint["id"]] = endpoint
        return 200, {**endpoint, "secret": f"whsec_{secrets.token_hex(16)}"}, {}

    def _list(self, endpoints: dict[str, dict[str, Any]], query: dict[str, list[str]]) -> Answer:
        newest_first = sorted(endpoints.values(), key=lambda e: e["created"], reverse=True)
        after = query.get("starting_after", [None])[-1]
        if after is not None:
            ids = [e["id"] for e in newest_first]
            if after not in ids:
                return error(404, f"No such webhook endpoint: '{after}'", "resource_missing")
            newest_first = newest_first[ids.index(after) + 1 :]
        limit = int(query.get("limit", ["10"])[-1])
        if not 1 <= limit <= 100:
            return error(
                400, "Invalid integer: limit must be between 1 and 100", "parameter_invalid_integer"
            )
        page = [dict(e) for e in newest_first[:limit]]
        return (
            200,
            {
                "object": "list",
                "url": "/v1/webhook_endpoints",
                "has_more": len(newest_first) > limit,
                "data": page,
            },
            {},
        )


def _handler(api: FakeStripe) -> type[BaseHTTPRequestHandler]:
    import json

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `api.requests` instead."""

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            headers = {name.lower(): value for name, value in self.headers.items()}
            query = parse_qs(url.query, keep_blank_values=True)
            (status, payload, extra), drop = api.handle(self.command, url.path, query, raw, headers)
            if drop:
                self.close_connection = True
                return
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _serve

    return Handler

"""A local stand-in for the Supabase Management API v1, as strict as the spec.

A real HTTP server on a loopback port. Every request is checked against the spec
(path, path and query parameters, JSON body) and refused with 400/404/405 as the API
would; every answer the fake gives is checked against the spec's response schema, and
a drift is recorded in `violations` (the fixture fails the test on any).

Beyond the happy path it can: serve only the new key types; answer an empty pooler list
for a while; rate-limit per endpoint as Supabase documents (429 for the rest of the
window, with only the X-RateLimit-* headers); keep deleted projects and refuse calls as
the recorded real traffic shows (`fake_projects`); and fail, throttle or hang a request on
demand (`faults`). Its answers have the shapes and defaults of the recorded real traffic
(`recordings`, `test_replay`).
"""

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.components.supabase import fake_server
from tests.components.supabase.fake_projects import FakeProjects
from tests.components.supabase.recordings import exchanges
from tests.components.supabase.spec import SpecViolation, spec

Answer = tuple[int, Any, dict[str, str]]


@dataclass
class Fault:
    """The next request matching `method` and `path` gets this answer instead."""

    method: str
    path: str
    status: int
    body: Any = field(default_factory=lambda: {"message": "injected fault"})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    carry_out: bool = False  # do the real work, then answer with the fault


@dataclass(kw_only=True)
class FakeManagementApi(FakeProjects):
    token: str
    rate_limit: int = 120
    rate_window: float = 60.0
    clock: Callable[[], float] = time.monotonic
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    """`METHOD template` of every request the spec accepted, in order."""
    queries: list[dict[str, list[str]]] = field(default_factory=list)
    """Their query parameters, in the same order."""
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._windows: dict[str, tuple[float, int]] = {}
        spec(), exchanges()  # built here, not in a request a client may time out on
        self._server = fake_server.serve(self)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "FakeManagementApi":
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def count(self, method: str, path_pattern: str, status: int | None = None) -> int:
        return sum(
            1
            for m, p, s in self.requests
            if m == method and re.fullmatch(path_pattern, p) and status in (None, s)
        )

    # Called by the server's handler thread.
    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: Any, authorized: bool
    ) -> Answer:
        status, payload, headers = self._answer(method, path, query, body, authorized)
        with self._lock:
            self.requests.append((method, path, status))
        return status, payload, headers

    def _answer(
        self, method: str, path: str, query: dict[str, list[str]], body: Any, authorized: bool
    ) -> Answer:
        if not authorized:
            return 401, {"message": "Unauthorized"}, {}
        quota, over_limit = self._quota(method, path)
        if over_limit:
            # Every call fails for the rest of the window, with only the rate-limit
            # headers: Supabase documents no Retry-After.
            return 429, {"message": "Too many requests"}, quota
        try:
            operation, path_values = spec().check_request(method, path, query, body)
        except SpecViolation as refused:
            return refused.status, {"message": str(refused)}, quota
        if body is not None:
            self.bodies.append(body)
        with self._lock:
            self.operations.append(f"{method} {operation.template}")
            self.queries.append(query)
        fault = self._take_fault(method, path)
        if fault is not None:
            time.sleep(fault.delay)
            if fault.carry_out:
                self._route(operation.template, method, path_values, query, body)
            return fault.status, fault.body, fault.headers  # only the headers it was given
        status, payload = self._route(operation.template, method, path_values, query, body)
        try:
            spec().check_response(operation, status, payload)
        except SpecViolation as drift:
            self.violations.append(f"{method} {path} -> {status}: {drift}")
            return 500, {"message": "the fake's answer broke the spec"}, quota
        return status, payload, quota

    def _quota(self, method: str, path: str) -> tuple[dict[str, str], bool]:
        """Supabase's fixed windows, per endpoint and scope (a project's path is its own)."""
        now = self.clock()
        with self._lock:
            start, used = self._windows.get(f"{method} {path}", (now, 0))
            if now >= start + self.rate_window:
                start, used = now, 0
            used += 1
            self._windows[f"{method} {path}"] = (start, used)
        reset = max(0, math.ceil(start + self.rate_window - now))
        headers = {
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": str(max(0, self.rate_limit - used)),
            "X-RateLimit-Reset": str(reset),
        }
        return headers, used > self.rate_limit

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            fault = next((f for f in self.faults if (f.method, f.path) == (method, path)), None)
            if fault is not None:
                self.faults.remove(fault)
        return fault

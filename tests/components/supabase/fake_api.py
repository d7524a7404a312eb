"""A local stand-in for the Supabase Management API v1, as strict as the spec.

A real HTTP server on a loopback port. Every request is checked against the spec
(path, path and query parameters, JSON body) and refused with 400/404/405 as the API
would; every answer the fake gives is checked against the spec's response schema, and
a drift is recorded in `violations` (the fixture fails the test on any).

Beyond the happy path it can: serve only the new key types; answer an empty pooler list
for a while; rate-limit per endpoint as Supabase documents (429 for the rest of the
window, with only the X-RateLimit-* headers); keep listing deleted projects as
GOING_DOWN, then REMOVED, and answer a removed project's calls with the recorded 400
"Resource has been removed"; refuse to delete a project still being created, with the
recorded 400 "Project not ready for deletion."; and fail, throttle or hang a request on
demand (`faults`). Its answers have the shapes and defaults of the recorded real traffic
(`recordings`, `test_replay`).
"""

import itertools
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.components.supabase import fake_server
from tests.components.supabase.fake_config import FakeProjectConfig
from tests.components.supabase.fake_records import (
    ALL_KEY_TYPES,
    addons_answer,
    keys_answer,
    pooler_answer,
    project_record,
)
from tests.components.supabase.recordings import exchanges
from tests.components.supabase.spec import SpecViolation, spec

Answer = tuple[int, Any, dict[str, str]]
REMOVED_MESSAGE = "Resource has been removed"
NOT_READY_MESSAGE = "Project not ready for deletion."
BEING_CREATED = frozenset({"UNKNOWN", "COMING_UP"})
"""Statuses in which a DELETE is refused as not ready (recorded: a project deleted moments
after its create)."""


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


@dataclass
class FakeManagementApi:
    token: str
    polls_until_healthy: int = 2
    final_status: str = "ACTIVE_HEALTHY"
    key_types: frozenset[str] = ALL_KEY_TYPES
    """Which `ApiKeyResponse.type`s the projects have: legacy, publishable, secret."""
    empty_pooler_polls: int = 0
    """How many pooler reads of a new project answer an empty list."""
    rate_limit: int = 120
    rate_window: float = 60.0
    clock: Callable[[], float] = time.monotonic
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    """`METHOD template` of every request the spec accepted, in order."""
    queries: list[dict[str, list[str]]] = field(default_factory=list)
    """Their query parameters, in the same order."""
    addons: dict[str, str] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    config: FakeProjectConfig = field(default_factory=FakeProjectConfig)
    """Each project's configuration surfaces (auth, SSL, network, PITR, Data API, Postgres)."""
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._pending: dict[str, int] = {}
        self._pooler_empty: dict[str, int] = {}
        self._windows: dict[str, tuple[float, int]] = {}
        self._ids: dict[str, int] = {}  # V1ProjectRefResponse.id is an integer
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

    def add_project(
        self,
        name: str,
        organization_slug: str,
        status: str = "ACTIVE_HEALTHY",
        region: str = "eu-central-2",
    ) -> str:
        number = next(self._numbers)
        ref = _ref(number)
        self._ids[ref] = number
        self.projects[ref] = project_record(ref, name, organization_slug, region, status)
        if status in BEING_CREATED:  # healthy after `polls_until_healthy` more calls
            self._pending[ref] = self.polls_until_healthy
        return ref

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

    def _route(
        self,
        template: str,
        method: str,
        path_values: dict[str, str],
        query: dict[str, list[str]],
        body: Any,
    ) -> tuple[int, Any]:
        with self._lock:
            if (method, template) == ("GET", "/v1/projects"):
                return 200, [self._advance(project) for project in self.projects.values()]
            if (method, template) == ("POST", "/v1/projects"):
                return self._create(body)
            project = self.projects.get(path_values.get("ref", ""))
            if project is None:
                # Unrecorded: what the API answers for a ref it never had.
                return 404, {"message": "Project not found"}
            if _removed(project, method, template):
                return 400, {"message": REMOVED_MESSAGE}
            return self._project_route(project, template, method, path_values, query, body)

    def _project_route(
        self,
        project: dict[str, Any],
        template: str,
        method: str,
        path_values: dict[str, str],
        query: dict[str, list[str]],
        body: Any,
    ) -> tuple[int, Any]:
        ref = project["ref"]
        route = (method, template.removeprefix("/v1/projects/{ref}"))
        if route == ("GET", ""):
            return 200, self._advance(project)
        if route == ("DELETE", ""):
            self._advance(project)  # time passes for a project coming up, as with a read
            if project["status"] in BEING_CREATED:
                return 400, {"message": NOT_READY_MESSAGE}  # recorded/DELETE_..._PROJECT_REF__/2
            project["status"] = "GOING_DOWN"
            self._pending[ref] = 1  # listed as GOING_DOWN once, then REMOVED
            # recorded/DELETE_v1_projects___PROJECT_REF__/default: V1ProjectRefResponse and
            # a `slug` the spec does not name (the recorder hides its value, as every
            # 20-letter word)
            return 200, {**self._ref_answer(project), "slug": ref}
        if route == ("PATCH", ""):
            project["name"] = body["name"]
            return 200, self._ref_answer(project)
        if route == ("PATCH", "/database/password"):
            self.passwords[ref] = body["password"]
            return 200, {"message": "ok"}
        if route == ("GET", "/api-keys"):
            revealed = query.get("reveal") == ["true"]
            return 200, keys_answer(ref, self.key_types, revealed)
        if route == ("GET", "/config/database/pooler"):
            if self._pooler_empty.get(ref, 0) > 0:
                self._pooler_empty[ref] -= 1
                return 200, []
            return 200, pooler_answer(ref, project["region"])
        if route == ("GET", "/billing/addons"):
            return 200, addons_answer(self.addons.get(ref), self.config.of(ref).pitr)
        if route == ("PATCH", "/billing/addons") and body["addon_type"] == "compute_instance":
            self.addons[ref] = body["addon_variant"]
            project["status"] = "RESIZING"
            self._pending[ref] = 1
            return 200, None
        return self.config.route(ref, route, path_values, query, body, self.addons.get(ref))

    def _ref_answer(self, project: dict[str, Any]) -> dict[str, Any]:
        """A V1ProjectRefResponse (its `id` is an integer)."""
        return {"id": self._ids[project["ref"]], "ref": project["ref"], "name": project["name"]}

    def _create(self, body: dict[str, Any]) -> tuple[int, Any]:
        # `region` is deprecated for `region_selection` but still taken, as the CLI sends it
        # (recorded/POST_v1_projects); with neither, the API's choice is unrecorded: refused.
        if "region_selection" in body:
            region = body["region_selection"]["code"]
        elif "region" in body:
            region = body["region"]
        else:
            return 400, {"message": "region_selection is required"}
        number = next(self._numbers)
        ref = _ref(number)
        project = project_record(ref, body["name"], body["organization_slug"], region, "COMING_UP")
        self._ids[ref] = number
        self.projects[ref] = project
        self.passwords[ref] = body["db_pass"]
        size = body.get("desired_instance_size", "nano")
        if size != "nano":
            self.addons[ref] = f"ci_{size}"
        self._pending[ref] = self.polls_until_healthy
        self._pooler_empty[ref] = self.empty_pooler_polls
        # 201 answers V1ProjectResponse, the project without its database block, in status
        # UNKNOWN; the next read shows it COMING_UP (scenarios/projects-create-...).
        answer = {k: v for k, v in project.items() if k != "database"}
        return 201, {**answer, "status": "UNKNOWN"}

    def _advance(self, project: dict[str, Any]) -> dict[str, Any]:
        ref = project["ref"]
        if ref in self._pending:
            if self._pending[ref] <= 0:
                project["status"] = "REMOVED" if _gone(project) else self.final_status
                del self._pending[ref]
            else:
                self._pending[ref] -= 1
        return dict(project)


def _gone(project: dict[str, Any]) -> bool:
    return project["status"] in ("GOING_DOWN", "REMOVED")


def _removed(project: dict[str, Any], method: str, template: str) -> bool:
    """Whether the API answers 400 "Resource has been removed" (recorded for a project's
    read in scenarios/network-restrictions-update-exits-non-zero-with-invalid-cidr-format,
    for a call below it in recorded/DELETE_..._custom_hostname): once its deletion began,
    except its own read, which shows GOING_DOWN until it is REMOVED."""
    if (method, template) == ("GET", "/v1/projects/{ref}"):
        return bool(project["status"] == "REMOVED")
    return _gone(project)


def _ref(number: int) -> str:
    """A project ref as the spec wants it: 20 lower-case letters."""
    return f"{number:020d}".translate(str.maketrans("0123456789", "abcdefghij"))

"""A local stand-in for Sentry's web API, as strict as its published document.

A real HTTP server on a loopback port (the Supabase fake's `fake_server`). Every request is
checked against the spec excerpt (path, parameters, JSON body) and refused as the API would;
every answer is checked against the spec's response schema, and a drift is recorded in
`violations` (the fixture fails the test on any). Objects are built from the response
schemas themselves (every required field present), then given the values that matter.

As Sentry documents (https://docs.sentry.io/api/ratelimits/): a fixed window per caller and
endpoint, every answer carrying X-Sentry-Rate-Limit-Limit / -Remaining / -Reset (UTC epoch
seconds), 429 past the limit. Sentry publishes the mechanism, not each endpoint's figures:
`rate_limit` and `rate_window` are the test's. A new project scrubs data and defaults but
stores IP addresses (`sentry:scrub_data` True, `sentry:scrub_ip_address` False by default:
getsentry/sentry src/sentry/api/serializers/models/project.py, DetailedProjectSerializer).
"""

import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.components.sentry.spec import PROJECT, SpecViolation, schema_of, spec

__all__ = [
    "EU",
    "KEY",
    "KEYS",
    "ORGANIZATION",
    "PROJECT",
    "TEAM_PROJECTS",
    "US",
    "FakeSentryApi",
    "Fault",
]
from tests.components.supabase import fake_server

__all__ = ["EU", "KEY", "KEYS", "ORGANIZATION", "PROJECT", "TEAM_PROJECTS", "US"]
__all__ += ["FakeSentryApi", "Fault"]

Answer = tuple[int, Any, dict[str, str]]
TEAM_PROJECTS = "/api/0/teams/{organization_id_or_slug}/{team_id_or_slug}/projects/"
ORGANIZATION = "/api/0/organizations/{organization_id_or_slug}/"
KEYS = PROJECT + "keys/"
KEY = KEYS + "{key_id}/"
EU, US = "https://de.sentry.io", "https://us.sentry.io"


@dataclass
class Fault:
    """The next request matching `method` and `path` gets this answer instead."""

    method: str
    path: str
    status: int
    body: Any = field(default_factory=lambda: {"detail": "injected fault"})
    headers: dict[str, str] = field(default_factory=dict)
    carry_out: bool = False  # do the real work, then answer with the fault


@dataclass(kw_only=True)
class FakeSentryApi:
    token: str
    clock: Callable[[], float]
    """UTC epoch seconds, as the reset header counts them."""
    rate_limit: int = 40
    rate_window: float = 1.0
    organizations: dict[str, str] = field(default_factory=dict)
    """slug -> regionUrl."""
    teams: set[tuple[str, str]] = field(default_factory=set)
    projects: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    keys: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    bodies: list[Any] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}
        self._ids = 4500000
        spec()
        self._server = fake_server.serve(self)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "FakeSentryApi":
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add_organization(self, slug: str, region_url: str = EU, team: str = "crms") -> None:
        self.organizations[slug] = region_url
        self.teams.add((slug, team))

    def add_project(self, org: str, slug: str, **values: Any) -> dict[str, Any]:
        project = self._new_project(org, slug, slug)
        project.update(values)
        self.projects[org, slug] = project
        return project

    def add_key(self, org: str, project: str, name: str, rate_limit: Any = None) -> dict[str, Any]:
        key = self._new_key(org, project, name, rate_limit)
        self.keys.setdefault((org, project), []).append(key)
        return key

    def count(self, method: str, template: str) -> int:
        return self.operations.count(f"{method} {template}")

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
            return 401, {"detail": "Invalid token"}, {}
        quota, over = self._quota(method, path)
        if over:
            return 429, {"detail": "You are attempting to use this endpoint too frequently."}, quota
        try:
            operation, values = spec().check_request(method, path, query, body)
        except SpecViolation as refused:
            return refused.status, {"detail": str(refused)}, quota
        with self._lock:
            self.operations.append(f"{method} {operation.template}")
            if body is not None:
                self.bodies.append(body)
        fault = self._take_fault(method, path)
        if fault is not None:
            if fault.carry_out:
                self._route(operation.template, method, values, body)
            return fault.status, fault.body, fault.headers
        status, payload = self._route(operation.template, method, values, body)
        try:
            spec().check_response(operation, status, payload)
        except SpecViolation as drift:
            self.violations.append(f"{method} {path} -> {status}: {drift}")
            return 500, {"detail": "the fake's answer broke the spec"}, quota
        return status, payload, quota

    def _route(
        self, template: str, method: str, values: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        org = values["organization_id_or_slug"]
        if org not in self.organizations:
            return 404, {"detail": "The requested resource does not exist"}
        if template == ORGANIZATION:
            return 200, self._organization(org)
        if template == TEAM_PROJECTS:
            return self._create_project(org, values["team_id_or_slug"], body)
        project_slug = values["project_id_or_slug"]
        project = self.projects.get((org, project_slug))
        if project is None:
            return 404, {"detail": "The requested resource does not exist"}
        if template == PROJECT:
            if method == "GET":
                return 200, project
            if method == "PUT":
                return self._update_project(project, body)
            del self.projects[org, project_slug]
            self.keys.pop((org, project_slug), None)
            return 204, None
        keys = self.keys.setdefault((org, project_slug), [])
        if template == KEYS:
            if method == "GET":
                return 200, keys
            new = self._new_key(
                org, project_slug, body.get("name") or "Default", body.get("rateLimit")
            )
            keys.append(new)
            return 201, new
        key: dict[str, Any] | None = next((k for k in keys if k["id"] == values["key_id"]), None)
        if key is None:
            return 404, {"detail": "The requested resource does not exist"}
        if method == "GET":
            return 200, key
        if method == "PUT":
            for name in ("name", "isActive", "rateLimit"):
                if name in body:
                    key[name] = body[name]
            return 200, key
        keys.remove(key)
        return 204, None

    def _organization(self, org: str) -> dict[str, Any]:
        organization: dict[str, Any] = _instance(schema_of(ORGANIZATION, "get", 200))
        organization.update(
            id="1", slug=org, name=org,
            links={"organizationUrl": f"https://{org}.sentry.io",
                   "regionUrl": self.organizations[org]},
        )  # fmt: skip
        return organization

    def _create_project(self, org: str, team: str, body: dict[str, Any]) -> tuple[int, Any]:
        if (org, team) not in self.teams:
            return 404, {"detail": "The requested resource does not exist"}
        slug = body.get("slug") or re.sub(r"[^a-z0-9-]", "-", body["name"].lower())
        if (org, slug) in self.projects:
            return 409, {"detail": f"A project with the slug '{slug}' already exists."}
        project = self._new_project(org, slug, body["name"], body.get("platform"))
        self.projects[org, slug] = project
        # A new project comes with a client key named "Default" (createTeamProject's answer
        # does not list it; listProjectKeys shows it).
        self.keys[org, slug] = [self._new_key(org, slug, "Default", None)]
        created = _instance(schema_of(TEAM_PROJECTS, "post", 201))
        created.update({k: project[k] for k in created if k in project})
        return 201, created

    def _update_project(self, project: dict[str, Any], body: dict[str, Any]) -> tuple[int, Any]:
        if "sensitiveFields" in body:
            fields = body["sensitiveFields"]
            if sum(len(name) for name in fields) > 4000:
                return 400, {"sensitiveFields": ["List of sensitive fields is too long."]}
        for name, value in body.items():
            project[name] = value
        return 200, project

    def _new_project(
        self, org: str, slug: str, name: str, platform: str | None = None
    ) -> dict[str, Any]:
        project: dict[str, Any] = _instance(schema_of(PROJECT, "get", 200))
        self._ids += 1
        project.update(
            id=str(self._ids), slug=slug, name=name, platform=platform, status="active",
            dataScrubber=True, dataScrubberDefaults=True, scrubIPAddresses=False,
            sensitiveFields=[],
        )  # fmt: skip
        project["organization"].update(slug=org, name=org)
        return project

    def _new_key(self, org: str, project: str, name: str, rate_limit: Any) -> dict[str, Any]:
        key: dict[str, Any] = _instance(schema_of(KEYS, "post", 201))
        self._ids += 1
        public = f"{self._ids:032x}"
        host = (
            "o1.ingest.de.sentry.io" if self.organizations[org] == EU else "o1.ingest.us.sentry.io"
        )
        project_id = self.projects[org, project]["id"]
        key.update(
            id=public, name=name, label=name, public=public, secret=f"{self._ids + 7:032x}",
            projectId=int(project_id), isActive=True, rateLimit=rate_limit,
        )  # fmt: skip
        key["dsn"]["public"] = f"https://{public}@{host}/{project_id}"
        return key

    def _quota(self, method: str, path: str) -> tuple[dict[str, str], bool]:
        now = self.clock()
        with self._lock:
            start, used = self._windows.get(f"{method} {path}", (now, 0))
            if now >= start + self.rate_window:
                start, used = now, 0
            used += 1
            self._windows[f"{method} {path}"] = (start, used)
        headers = {
            "X-Sentry-Rate-Limit-Limit": str(self.rate_limit),
            "X-Sentry-Rate-Limit-Remaining": str(max(0, self.rate_limit - used)),
            "X-Sentry-Rate-Limit-Reset": str(math.ceil(start + self.rate_window)),
        }
        return headers, used > self.rate_limit

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            fault = next((f for f in self.faults if (f.method, f.path) == (method, path)), None)
            if fault is not None:
                self.faults.remove(fault)
        return fault


FORMATTED = {"date-time": "2026-12-01T09:00:00Z", "date": "2026-12-01", "uri": "https://sentry.io"}


def _instance(schema: dict[str, Any]) -> Any:
    """The smallest value the schema accepts: every required field, empty or zero."""
    if schema.get("nullable") and schema.get("type") != "object":
        return None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            name: _instance(schema["properties"].get(name, {}))
            for name in schema.get("required", [])
        }
    if kind == "string" and schema.get("format") in FORMATTED:
        return FORMATTED[schema["format"]]
    if "oneOf" in schema or "anyOf" in schema:
        return _instance((schema.get("oneOf") or schema["anyOf"])[0])
    return {"array": [], "string": "", "boolean": False, "integer": 0, "number": 0}.get(str(kind))

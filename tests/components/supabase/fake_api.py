"""A local stand-in for the subset of the Supabase Management API v1 the provider uses.

It runs a real HTTP server on a loopback port, keeps projects in memory, walks
them through their statuses, and can be told to fail, throttle or hang.
"""

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Fault:
    """The next request matching `method` and `path` gets this answer instead."""

    method: str
    path: str
    status: int
    body: dict[str, Any] = field(default_factory=lambda: {"message": "injected fault"})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    carry_out: bool = False  # do the real work, then answer with the fault


@dataclass
class FakeManagementApi:
    token: str
    polls_until_healthy: int = 2
    final_status: str = "ACTIVE_HEALTHY"
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    addons: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._refs = (
            f"{n:020d}".translate(str.maketrans("0123456789", "abcdefghij"))
            for n in itertools.count(1)
        )
        self._pending: dict[str, int] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "FakeManagementApi":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add_project(self, name: str, organization_slug: str, status: str = "ACTIVE_HEALTHY") -> str:
        ref = next(self._refs)
        self.projects[ref] = _project(ref, name, organization_slug, "eu-central-2", status)
        return ref

    def count(self, method: str, path_pattern: str) -> int:
        return sum(1 for m, p in self.requests if m == method and re.fullmatch(path_pattern, p))

    # Request handling, called by the handler thread.
    def handle(
        self, method: str, path: str, body: dict[str, Any] | None
    ) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            self.requests.append((method, path))
            if body is not None:
                self.bodies.append(body)
            fault = next((f for f in self.faults if f.method == method and f.path == path), None)
            if fault is not None:
                self.faults.remove(fault)
        if fault is not None:
            time.sleep(fault.delay)
            if fault.carry_out:
                self._route(method, path, body)
            return fault.status, fault.body, fault.headers
        return self._route(method, path, body)

    def _route(
        self, method: str, path: str, body: dict[str, Any] | None
    ) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            if (method, path) == ("GET", "/v1/projects"):
                return 200, list(self.projects.values()), {}
            if (method, path) == ("POST", "/v1/projects"):
                return self._create(body or {})
            match = re.fullmatch(r"/v1/projects/([a-j]{20})(/.*)?", path)
            if not match or match.group(1) not in self.projects:
                return 404, {"message": "Project not found"}, {}
            ref, rest = match.group(1), match.group(2) or ""
            project = self.projects[ref]
            if (method, rest) == ("GET", ""):
                return 200, self._advance(project), {}
            if (method, rest) == ("DELETE", ""):
                del self.projects[ref]
                return 200, {"id": 1, "ref": ref, "name": project["name"]}, {}
            if (method, rest) == ("GET", "/api-keys"):
                keys = [
                    {"name": "anon", "api_key": f"anon-{ref}"},
                    {"name": "service_role", "api_key": f"service-{ref}"},
                ]
                return 200, keys, {}
            if (method, rest) == ("GET", "/config/database/pooler"):
                return 200, [_pooler(ref)], {}
            if (method, rest) == ("PATCH", "/billing/addons"):
                self.addons[ref] = (body or {}).get("addon_variant", "")
                project["status"] = "RESIZING"
                self._pending[ref] = 1
                return 200, None, {}
        return 405, {"message": "not in the fake"}, {}

    def _create(self, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        selection = body.get("region_selection") or {}
        if selection.get("type") != "specific" or not selection.get("code"):
            return 400, {"message": "region_selection must be specific"}, {}
        if not body.get("db_pass") or not body.get("name") or not body.get("organization_slug"):
            return 400, {"message": "name, organization_slug and db_pass are required"}, {}
        ref = next(self._refs)
        project = _project(
            ref, body["name"], body["organization_slug"], selection["code"], "COMING_UP"
        )
        project["desired_instance_size"] = body.get("desired_instance_size")
        self.projects[ref] = project
        self._pending[ref] = self.polls_until_healthy
        return 201, {k: v for k, v in project.items() if k != "database"}, {}

    def _advance(self, project: dict[str, Any]) -> dict[str, Any]:
        ref = project["ref"]
        if ref in self._pending:
            if self._pending[ref] <= 0:
                project["status"] = self.final_status
                del self._pending[ref]
            else:
                self._pending[ref] -= 1
        return project


def _project(
    ref: str, name: str, organization_slug: str, region: str, status: str
) -> dict[str, Any]:
    return {
        "id": ref, "ref": ref, "name": name, "organization_id": "org-id",
        "organization_slug": organization_slug, "region": region,
        "created_at": "2026-11-25T00:00:00Z", "status": status,
        "database": {
            "host": f"db.{ref}.supabase.co", "version": "17.4",
            "postgres_engine": "17", "release_channel": "ga",
        },
    }  # fmt: skip


def _pooler(ref: str) -> dict[str, Any]:
    return {
        "identifier": ref, "database_type": "PRIMARY", "is_using_scram_auth": True,
        "db_user": f"postgres.{ref}", "db_host": "aws-0-eu-central-2.pooler.supabase.com",
        "db_port": 6543, "db_name": "postgres", "default_pool_size": 15, "max_client_conn": 200,
        "pool_mode": "transaction",
        "connection_string": (
            f"postgresql://postgres.{ref}:[YOUR-PASSWORD]"
            "@aws-0-eu-central-2.pooler.supabase.com:6543/postgres"
        ),
        "connectionString": "",
    }  # fmt: skip


def _handler(api: FakeManagementApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `api.requests` instead."""

        def _serve(self) -> None:
            if self.headers.get("Authorization") != f"Bearer {api.token}":
                self._send(401, {"message": "Unauthorized"}, {})
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            path = self.path.split("?", 1)[0]
            status, payload, headers = api.handle(self.command, path, body)
            self._send(status, payload, headers)

        def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
            data = b"" if payload is None else json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        do_GET = do_POST = do_DELETE = do_PATCH = _serve

    return Handler

"""The fake's projects: their lifecycle and everything below `/v1/projects/{ref}` but the
configuration surfaces (`fake_config`), as the spec and the recorded real traffic show it.

A project comes up after `polls_until_healthy` reads (or deletes); a deleted one is listed
as GOING_DOWN, then REMOVED, and answers the recorded 400 "Resource has been removed"; one
still being created refuses a delete with the recorded 400 "Project not ready for
deletion.".
"""

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from tests.components.supabase.fake_config import FakeProjectConfig
from tests.components.supabase.fake_records import (
    ALL_KEY_TYPES,
    addons_answer,
    keys_answer,
    pooler_answer,
    project_record,
)

REMOVED_MESSAGE = "Resource has been removed"
NOT_READY_MESSAGE = "Project not ready for deletion."
BEING_CREATED = frozenset({"UNKNOWN", "COMING_UP"})
"""Statuses in which a DELETE is refused as not ready (recorded: a project deleted moments
after its create)."""


@dataclass(kw_only=True)
class FakeProjects:
    polls_until_healthy: int = 2
    final_status: str = "ACTIVE_HEALTHY"
    key_types: frozenset[str] = ALL_KEY_TYPES
    """Which `ApiKeyResponse.type`s the projects have: legacy, publishable, secret."""
    empty_pooler_polls: int = 0
    """How many pooler reads of a new project answer an empty list."""
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    addons: dict[str, str] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    config: FakeProjectConfig = field(default_factory=FakeProjectConfig)
    """Each project's configuration surfaces (auth, SSL, network, PITR, Data API, Postgres)."""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self._pending: dict[str, int] = {}
        self._pooler_empty: dict[str, int] = {}
        self._ids: dict[str, int] = {}  # V1ProjectRefResponse.id is an integer

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

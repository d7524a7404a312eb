"""Replaying a recorded exchange against the fake: the project put in the state the recording
implies, the recorded request sent, and the answer compared by status and shape.

The recordings do not say what the project held before each call. For a read, the fake is
given what the recorded answer shows (`seed`), so the replay checks the answer's structure
(fields, types, nulls, list items) and status; for a write, what the last read of the same
path before it showed. A new project's defaults and whole recorded sequences are checked by
value in test_replay.
"""

import copy
import json
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import JsonValue

from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.fake_projects import NOT_READY_MESSAGE, REMOVED_MESSAGE
from tests.components.supabase.recordings import PLACEHOLDER_REF, Exchange, exchanges
from tests.components.supabase.support import TOKEN

Seed = Callable[[FakeManagementApi, str, Any], None]
PROJECT = "/v1/projects/{ref}"


def send(api: FakeManagementApi, ref: str, exchange: Exchange) -> httpx.Response:
    """The recorded request, made on project `ref` (every placeholder becomes the ref)."""
    body = exchange.body
    if body is not None:
        body = json.loads(json.dumps(body).replace(PLACEHOLDER_REF, ref))
    return httpx.request(
        exchange.method,
        api.url + exchange.on(ref),
        params=exchange.query,
        json=body,
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )


def prepare(api: FakeManagementApi, exchange: Exchange) -> str:
    """A project in the fake in the state `exchange` implies; its ref."""
    ref = api.add_project("cli-e2e-test", "crms-swiss", region="us-east-1")
    if exchange.endpoint == f"DELETE {PROJECT}":
        not_ready = _message(exchange.answer) == NOT_READY_MESSAGE
        api.projects[ref]["status"] = "COMING_UP" if not_ready else "ACTIVE_HEALTHY"
    elif exchange.status == 400 and _message(exchange.answer) == REMOVED_MESSAGE:
        api.projects[ref]["status"] = "REMOVED"
    elif exchange.method == "GET":
        SEEDS.get(exchange.template, _nothing)(api, ref, exchange.answer)
    else:
        read = prior_read(exchange)
        if read is not None:
            SEEDS.get(read.template, _nothing)(api, ref, read.answer)
    return ref


def prior_read(exchange: Exchange) -> Exchange | None:
    """The last read of the same path recorded before `exchange`: in its scenario, or, for a
    per-endpoint recording, the session's first read of it."""
    store, _, position = exchange.source.partition("#")
    same_path = [e for e in exchanges() if (e.method, e.path) == ("GET", exchange.path)]
    if position:
        earlier = [e for e in same_path if e.source.partition("#")[0] == store]
        earlier = [e for e in earlier if int(e.source.partition("#")[2]) < int(position)]
        return earlier[-1] if earlier else None
    recorded = [e for e in same_path if e.source.startswith("recorded/")]
    return recorded[0] if recorded else None


def shape(value: JsonValue) -> JsonValue:
    """The structure of a JSON value: each object's fields and each value's JSON type; a
    list as the set of its items' shapes."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return ["list of", *sorted({json.dumps(shape(item), sort_keys=True) for item in value})]
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return "number" if isinstance(value, int | float) else "string"


def _seed_projects(api: FakeManagementApi, _ref: str, answer: Any) -> None:
    api.projects.clear()
    for project in answer:
        api.add_project(project["name"], "crms-swiss", project["status"], project["region"])


def _seed_project(api: FakeManagementApi, ref: str, answer: Any) -> None:
    api.projects[ref]["status"] = answer["status"]


def _seed_addons(api: FakeManagementApi, ref: str, answer: Any) -> None:
    for addon in answer["selected_addons"]:
        if addon["type"] == "compute_instance":
            api.addons[ref] = addon["variant"]["id"]
        elif addon["type"] == "pitr":
            api.config.of(ref).pitr = addon["variant"]["id"]


def _seed_network(api: FakeManagementApi, ref: str, answer: Any) -> None:
    settings = api.config.of(ref)
    settings.cidrs_v4 = list(answer["config"].get("dbAllowedCidrs", []))
    settings.cidrs_v6 = list(answer["config"].get("dbAllowedCidrsV6", []))
    settings.network_applied_at = answer.get("applied_at")


def _seed_ssl(api: FakeManagementApi, ref: str, answer: Any) -> None:
    api.config.of(ref).ssl_enforced = answer["currentConfig"]["database"]


def _nothing(_api: FakeManagementApi, _ref: str, _answer: Any) -> None:
    """What the read shows does not depend on what the project holds (keys, pooler)."""


SEEDS: dict[str, Seed] = {
    "/v1/projects": _seed_projects,
    PROJECT: _seed_project,
    f"{PROJECT}/billing/addons": _seed_addons,
    f"{PROJECT}/config/auth": lambda api, ref, a: setattr(api.config.of(ref), "auth", dict(a)),
    f"{PROJECT}/config/database/postgres": lambda api, ref, a: setattr(
        api.config.of(ref), "postgres", dict(a)
    ),
    f"{PROJECT}/network-restrictions": _seed_network,
    f"{PROJECT}/postgrest": lambda api, ref, a: setattr(
        api.config.of(ref), "postgrest", copy.deepcopy(a)
    ),
    f"{PROJECT}/ssl-enforcement": _seed_ssl,
}
"""How a read's recorded answer becomes the fake's state (the inverse of the fake's GET)."""


def _message(answer: JsonValue) -> str | None:
    return str(answer.get("message")) if isinstance(answer, dict) else None

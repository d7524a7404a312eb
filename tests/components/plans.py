"""Each stack's offline plan, computed once per test session, and ways to look into it."""

import functools
import json
from typing import Any

from crms_infra.offline.engine import Plan, plan_stack
from tests.conftest import REPO


@functools.cache
def plan_of(stack: str) -> Plan:
    return plan_stack(REPO, stack)


def resources(stack: str, type_: str | None = None) -> list[dict[str, Any]]:
    return [r for r in plan_of(stack)["resources"] if type_ is None or r["type"] == type_]


def by_name(stack: str, type_: str) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in resources(stack, type_)}


def policy_document(resource: dict[str, Any], key: str = "policy") -> dict[str, Any]:
    document = json.loads(resource["inputs"][key])
    assert isinstance(document, dict)
    return document

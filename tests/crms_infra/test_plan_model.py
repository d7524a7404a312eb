"""The typed plan contract: the TypedDicts name exactly the keys the engine writes, every
stack's plan parses, and a value that is not a plan is refused naming where it breaks."""

import json
from typing import Any

import pytest
from pydantic import JsonValue

from crms_infra.plan_model import (
    Plan,
    PlanResource,
    PlanShapeError,
    PolicySection,
    Violation,
    at,
    items,
    obj,
    parse_plan,
)
from tests.conftest import STACKS
from tests.helpers import plan_of


@pytest.mark.parametrize("stack", STACKS)
def test_the_types_name_what_the_engine_writes(stack: str) -> None:
    plan = json.loads(json.dumps(plan_of(stack)))
    assert set(plan) == set(Plan.__annotations__)
    assert {key for resource in plan["resources"] for key in resource} == set(
        PlanResource.__required_keys__  # `stale` only on a stale build's deployment
    )
    assert PlanResource.__optional_keys__ == {"stale"}
    assert set(plan["policy"]) == set(PolicySection.__annotations__)
    assert parse_plan(plan) is plan  # the object as read, keys in their order


def test_a_violation_has_the_contract_keys() -> None:
    assert set(Violation.__annotations__) == {"policy", "level", "urn", "message"}


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ([], "the top level"),
        ({"stack": "x", "resources": [], "outputs": []}, "outputs"),
        ({"stack": "x", "resources": [{"urn": "nope"}], "outputs": {}}, "resources.0.urn"),
        ({"stack": "x", "outputs": {}}, "resources"),
    ],
)
def test_what_is_not_a_plan_is_refused_naming_where(value: Any, where: str) -> None:
    with pytest.raises(PlanShapeError) as refused:
        parse_plan(value)
    assert refused.value.where == where


def test_the_narrowing_helpers() -> None:
    value: JsonValue = {"a": {"b": [1, {"c": "d"}]}}
    assert at(value, "a", "b") == [1, {"c": "d"}]
    assert at(value, "a", "x", "c") is None
    assert at("text", "a") is None
    assert obj([1]) == {}
    assert obj(value) is value
    assert items("x") == []
    assert items([1]) == [1]

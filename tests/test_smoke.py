"""One smoke test per stack: the whole program runs on mocks and yields a plan (the run's
one plan of the stack, which the other tests read too)."""

import pytest

from tests.conftest import STACKS
from tests.helpers import plan_of


@pytest.mark.parametrize("stack", STACKS)
def test_whole_program_runs(stack: str) -> None:
    plan = plan_of(stack)
    assert plan["stack"] == stack
    stack_resources = [r for r in plan["resources"] if r["type"] == "pulumi:pulumi:Stack"]
    assert [r["name"] for r in stack_resources] == [f"crms-{stack}"]
    assert plan["outputs"]["environment"] in ("development", "staging", "production")
    assert not [v for v in plan["policy"]["violations"] if v["level"] == "mandatory"]

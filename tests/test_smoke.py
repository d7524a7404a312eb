"""One smoke test per stack: the whole program runs on mocks and yields a plan."""

import pytest

from crms_infra.offline.engine import plan_stack
from tests.conftest import REPO, STACKS


@pytest.mark.parametrize("stack", STACKS)
def test_whole_program_runs(stack: str) -> None:
    plan = plan_stack(REPO, stack)
    assert plan["stack"] == stack
    stack_resources = [r for r in plan["resources"] if r["type"] == "pulumi:pulumi:Stack"]
    assert [r["name"] for r in stack_resources] == [f"crms-{stack}"]
    assert plan["outputs"]["environment"] in ("development", "staging", "production")
    assert not [v for v in plan["policy"]["violations"] if v["level"] == "mandatory"]

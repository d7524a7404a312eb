"""The text plan: nested inputs in one readable line, and each Vercel project's function limits."""

import pytest

from crms_infra.render import plan_markdown, plan_text
from tests.conftest import STACKS
from tests.helpers import plan_of

EXPECTED = {  # what Vercel applies per stack: Fluid compute, class memory, the seed's maxDuration
    "dev": "Fluid compute, CPU standard: 2048 MB / 1 vCPU, maxDuration 15 s, regions fra1",
    "staging": "Fluid compute, CPU standard: 2048 MB / 1 vCPU, maxDuration 30 s, regions fra1",
    "prod": "Fluid compute, CPU performance: 4096 MB / 2 vCPU, maxDuration 60 s, regions fra1",
}


@pytest.mark.parametrize("stack", STACKS)
def test_each_vercel_project_shows_its_function_limits(stack: str) -> None:
    text = plan_text(plan_of(stack))
    lines = text.splitlines()
    for project in ("compute-web", "compute-ops"):
        (index,) = [
            i
            for i, line in enumerate(lines)
            if f"{project}  (vercel:index/project:Project)" in line
        ]
        assert lines[index + 2].strip(" │") == f"functions: {EXPECTED[stack]}"
        assert "resourceConfig={fluid=true, functionDefaultCpuType=" in lines[index + 1]


@pytest.mark.parametrize("stack", STACKS)
def test_the_outputs_show_what_the_stack_asks_and_what_vercel_gives(stack: str) -> None:
    text = plan_text(plan_of(stack))
    (line,) = [line for line in text.splitlines() if line.startswith("  functionLimits:")]
    requested = {"dev": 1024, "staging": 1024, "prod": 3008}[stack]
    assert f"requestedMemoryMb={requested}" in line
    assert "computeMode=fluid" in line


def test_nested_inputs_read_as_one_line_not_json() -> None:
    text = plan_text(plan_of("prod"))
    assert "oidcTokenConfig={issuerMode=team}" in text
    assert "targets=[production, preview]" in text
    assert 'resourceConfig={"' not in text  # nested inputs are not dumped as JSON
    assert 'tags={"' not in text


def test_markdown_shows_nested_inputs_too() -> None:
    markdown = plan_markdown(plan_of("prod"))
    assert "resourceConfig={fluid=true, functionDefaultCpuType=performance" in markdown

"""A damaged or hostile Terraform state: refused in one line, never a traceback, a hang or
a workflow command in CI's log, and never an import file left behind."""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crms_infra.adopt.adoption import adoption_of
from crms_infra.adopt.program import ProgramRun
from crms_infra.adopt.report import adoption_text
from crms_infra.adopt.terraform_state import (
    MAX_STATE_BYTES,
    TerraformState,
    TerraformStateError,
    read_state,
)
from tests.crms_infra.adopt.conftest import Document, refused_in_one_line

StateOf = Callable[[Document], TerraformState]


@pytest.mark.timeout(30)
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "state.json"
    os.mkfifo(fifo)
    with pytest.raises(TerraformStateError, match=r"state\.json is not a regular file"):
        read_state(fifo)


def test_a_link_to_an_endless_device_is_refused_before_reading_it(tmp_path: Path) -> None:
    link = tmp_path / "state.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(TerraformStateError, match=r"state\.json is not a regular file"):
        read_state(link)


def test_the_size_bound_counts_what_is_read(tmp_path: Path) -> None:
    big = tmp_path / "state.json"
    with big.open("wb") as file:
        file.truncate(MAX_STATE_BYTES + 1)  # sparse: large, yet cheap to make
    with pytest.raises(TerraformStateError, match=r"is over 67,108,864 bytes"):
        read_state(big)


def set_in(document: Document, resource_type: str, key: str, value: Any) -> Document:
    (resource,) = [r for r in document["resources"] if r["type"] == resource_type]
    resource["instances"][0][key] = value
    return document


def set_attribute(document: Document, resource_type: str, key: str, value: Any) -> Document:
    (resource,) = [r for r in document["resources"] if r["type"] == resource_type]
    resource["instances"][0]["attributes"][key] = value
    return document


DEEP = "deeply nested"
"""Written in place of this value: `[[[...]]]`, 100,000 levels (json.dumps cannot)."""


MALFORMED: dict[str, tuple[Callable[[Document], Document], str]] = {
    "a sensitive path step without its value": (
        lambda d: set_in(d, "supabase_project", "sensitive_attributes", [[{"type": "get_attr"}]]),
        "resources.0.instances.0.sensitive_attributes.0.0.value: Field required",
    ),
    "a sensitive path that is not a list": (
        lambda d: set_in(d, "supabase_project", "sensitive_attributes", ["database_password"]),
        "sensitive_attributes.0: Input should be a valid list",
    ),
    "an environment that is a string": (
        lambda d: set_attribute(d, "vercel_project", "environment", "x"),
        "vercel_project.crms: environment: Input should be a valid list",
    ),
    "a variable without its key": (
        lambda d: set_attribute(d, "vercel_project", "environment", [{"id": "a", "value": "b"}]),
        "vercel_project.crms: environment.0.key: Field required",
    ),
    "a project name that is a number": (
        lambda d: set_attribute(d, "supabase_project", "name", 7),
        "supabase_project.crms: name: Input should be a valid string",
    ),
    "deep nesting": (
        lambda d: set_attribute(d, "vercel_project", "resource_config", DEEP),
        "nested deeper than 64 levels",
    ),
    "a password with a lone surrogate": (
        lambda d: set_attribute(d, "supabase_project", "database_password", "pass\ud800word"),
        "a string that is not Unicode text (a lone surrogate, U+D800)",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_every_malformed_shape_is_one_line_and_nothing_is_written(
    case: str, document: Document, tmp_path: Path
) -> None:
    damage, message = MALFORMED[case]
    state_file = tmp_path / "state.json"
    # Python writes a lone surrogate as the escape \ud800, as a damaged file would hold it.
    text = json.dumps(damage(document))
    state_file.write_text(text.replace(json.dumps(DEEP), "[" * 100_000 + "]" * 100_000))
    assert message in refused_in_one_line(state_file, tmp_path)


def test_a_name_that_is_a_workflow_command_is_printed_inert(
    document: Document, as_state: StateOf, prod_program: ProgramRun
) -> None:
    """The runner reads `::command` at a line's start after spaces (actions/runner,
    ActionCommand.TryParseV2): a type or module of that name must not become one."""
    for resource_type, module in (("::error file=x::pwned", ""), ("x", "::warning::y")):
        document["resources"].append(
            {
                "mode": "managed",
                "type": resource_type,
                "name": "n",
                "module": module,
                "provider": 'provider["registry.terraform.io/hashicorp/null"]',
                "instances": [{"schema_version": 0, "attributes": {}}],
            }
        )
    text = adoption_text(adoption_of(as_state(document), prod_program))
    assert [line for line in text.splitlines() if line.lstrip().startswith("::")] == []
    assert "  \\x3a:error file=x::pwned.n\n" in text
    assert "  \\x3a:warning::y.x.n\n" in text

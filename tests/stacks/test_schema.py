"""Pulumi.yaml's config schema is the settings model's, and stack files use only its keys."""

import pytest
import yaml

from stacks.schema import project_config_schema, render_project_file
from tests.conftest import REPO, STACKS


def test_project_schema_matches_the_settings_model() -> None:
    project = yaml.safe_load((REPO / "Pulumi.yaml").read_text())
    expected = project_config_schema()
    assert project["config"] == expected, (
        "Pulumi.yaml's config block is out of date: run `crms-infra schema`"
    )


def test_schema_rewrite_keeps_the_head_and_is_stable() -> None:
    current = (REPO / "Pulumi.yaml").read_text()
    assert render_project_file(current) == current
    stale = current.replace("default: 365", "default: 30")
    assert render_project_file(stale) == current


def test_project_runs_python_from_the_venv() -> None:
    project = yaml.safe_load((REPO / "Pulumi.yaml").read_text())
    assert project["name"] == "crms"
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": ".venv"},
    }


@pytest.mark.parametrize("stack", STACKS)
def test_stack_file_sets_every_declared_plain_key(stack: str) -> None:
    schema = project_config_schema()
    config = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text())["config"]
    keys = {key.removeprefix("crms:") for key in config}
    plain = {key for key, entry in schema.items() if not entry.get("secret")}
    assert keys == plain


@pytest.mark.parametrize("stack", STACKS)
def test_stack_values_have_the_declared_types(stack: str) -> None:
    schema = project_config_schema()
    python_types = {"string": str, "integer": int, "boolean": bool, "array": list}
    config = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text())["config"]
    for key, value in config.items():
        declared = schema[key.removeprefix("crms:")]["type"]
        assert isinstance(value, python_types[declared]), (key, value, declared)

"""Pulumi.yaml's config schema and docs/settings.md's reference are the settings model's, and
stack files use only its keys."""

import shutil
from pathlib import Path

import pytest

from crms_infra import cli
from crms_infra.schema import project_config_schema, render_project_file, render_settings_page
from crms_infra.stack_file.reader import load_yaml_file
from tests.conftest import REPO, STACKS
from tests.stacks.stack_file_checks import check_stack_file


def test_project_schema_matches_the_settings_model() -> None:
    project = load_yaml_file(REPO / "Pulumi.yaml")
    expected = project_config_schema()
    assert project["config"] == expected, (
        "Pulumi.yaml's config block is out of date: run `crms-infra schema`"
    )


def test_schema_rewrite_keeps_the_head_and_is_stable() -> None:
    current = (REPO / "Pulumi.yaml").read_text()
    assert render_project_file(current) == current
    stale = current.replace("default: 365", "default: 30")
    assert render_project_file(stale) == current


def test_the_settings_reference_is_generated_from_the_model() -> None:
    page = (REPO / "docs" / "settings.md").read_text()
    assert render_settings_page(page) == page, "docs/settings.md: run `crms-infra schema`"
    for key in project_config_schema():
        assert f"| `crms:{key}` |" in page


def test_schema_check_fails_on_a_stale_reference_and_the_rewrite_mends_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docs").mkdir()
    shutil.copy(REPO / "Pulumi.yaml", tmp_path)
    page = (REPO / "docs" / "settings.md").read_text()
    stale = page.replace("| `crms:dataClassification` |", "| `crms:dataClassificatio` |")
    (tmp_path / "docs" / "settings.md").write_text(stale)
    check = ["schema", "--check", "--project-dir", str(tmp_path)]
    assert cli.main(check) == 1
    assert capsys.readouterr().err == "docs/settings.md is out of date: run `crms-infra schema`\n"
    assert cli.main(["schema", "--project-dir", str(tmp_path)]) == cli.EXIT_OK
    assert (tmp_path / "docs" / "settings.md").read_text() == page
    assert cli.main(check) == cli.EXIT_OK


def test_project_runs_python_from_the_venv() -> None:
    project = load_yaml_file(REPO / "Pulumi.yaml")
    assert project["name"] == "crms"
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": ".venv"},
    }


@pytest.mark.parametrize("stack", STACKS)
def test_stack_file_sets_every_declared_plain_key_with_its_type(stack: str) -> None:
    """Also run on a stack file set up as docs/deploy.md says (test_deploy_docs.py)."""
    config = check_stack_file(REPO / f"Pulumi.{stack}.yaml")
    assert all(key.startswith("crms:") for key in config), "committed files hold no credentials"

"""The `crms-infra` command as a user runs it: output, exit codes, clear errors."""

import json
from pathlib import Path

from tests.helpers import run_cli as run


def test_plan_prints_a_tree_and_exits_0() -> None:
    result = run("plan", "dev")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("crms / dev:")
    assert "crms-dev  (pulumi:pulumi:Stack)" in result.stdout


def test_plan_json_is_the_contract() -> None:
    result = run("plan", "prod", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["stack"] == "prod"


def test_bad_setting_exits_2_naming_file_key_and_value(project_copy: Path) -> None:
    stack_file = project_copy / "Pulumi.prod.yaml"
    stack_file.write_text(
        stack_file.read_text().replace("databaseRegion: eu-central-2", "databaseRegion: us-east-1")
    )
    result = run("plan", "prod", "--project-dir", str(project_copy))
    assert result.returncode == 2
    line = stack_file.read_text().splitlines().index("  crms:databaseRegion: us-east-1") + 1
    assert (
        f'Pulumi.prod.yaml: line {line}: crms:databaseRegion has the bad value "us-east-1"'
    ) in result.stderr
    assert "eu-central-2" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_unknown_stack_exits_2() -> None:
    result = run("plan", "qa")
    assert result.returncode == 2
    assert "no stack named qa (no Pulumi.qa.yaml); stacks here: dev, prod, staging" in result.stderr


def test_program_error_exits_2_without_traceback(project_copy: Path) -> None:
    (project_copy / "__main__.py").write_text("raise RuntimeError('boom')\n")
    result = run("plan", "dev", "--project-dir", str(project_copy))
    assert result.returncode == 2
    assert "the program failed: RuntimeError: boom" in result.stderr
    assert "Traceback" not in result.stderr


def test_diff_of_two_saved_plans(tmp_path: Path) -> None:
    for stack in ("dev", "prod"):
        result = run("plan", stack, "--format", "json")
        (tmp_path / f"{stack}.json").write_text(result.stdout)
    result = run(
        "diff", str(tmp_path / "dev.json"), str(tmp_path / "prod.json"), "--format", "markdown"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("### Plan diff")
    assert '"development"` → `"production"' in result.stdout


def test_diff_of_something_that_is_not_a_plan_exits_2(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("[1, 2]")
    result = run("diff", "dev", str(tmp_path / "x.json"))
    assert result.returncode == 2
    assert "not a plan" in result.stderr

"""The CI workflows: valid against GitHub's workflow schema, and doing what CI promises."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
CHECK = str(Path(sys.executable).parent / "check-jsonschema")


def workflow(name: str) -> dict[Any, Any]:
    loaded = yaml.safe_load((WORKFLOWS / name).read_text())
    assert isinstance(loaded, dict)
    return loaded


def validate(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHECK, "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_every_workflow_is_valid() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert len(files) == 4
    result = validate(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validation_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    steps: [{run: true, uses: 3}]\n")
    assert validate(broken).returncode != 0


def test_pull_requests_test_diff_in_one_comment_and_preview_without_forks() -> None:
    jobs = workflow("pull-request.yml")["jobs"]
    assert any("make test" in step.get("run", "") for step in jobs["test"]["steps"])
    diff_steps = " ".join(str(step) for step in jobs["plan-diff"]["steps"])
    assert "crms-infra diff" in diff_steps
    assert "updateComment" in diff_steps  # edited in place, never a new comment per run
    assert "<!-- crms-plan-diff -->" in diff_steps
    assert "65000" in diff_steps
    preview = jobs["preview"]
    assert preview["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    action = next(
        step for step in preview["steps"] if step.get("uses", "").startswith("pulumi/actions")
    )
    assert action["with"]["command"] == "preview"
    assert action["with"]["policyPacks"] == "policies"


def test_main_deploys_dev_then_staging_then_prod_in_their_environments() -> None:
    jobs = workflow("deploy.yml")["jobs"]
    assert jobs["staging"]["needs"] == "dev"
    assert jobs["prod"]["needs"] == "staging"
    up = workflow("up.yml")["jobs"]["up"]
    assert up["environment"] == "${{ inputs.stack }}"
    action = next(step for step in up["steps"] if step.get("uses", "").startswith("pulumi/actions"))
    assert (action["with"]["command"], action["with"]["policyPacks"]) == ("up", "policies")


def test_drift_check_refreshes_as_a_preview_and_fails_on_changes() -> None:
    drift = workflow("drift.yml")
    assert drift[True]["schedule"]  # YAML reads the `on` key as True
    commands = " ".join(step.get("run", "") for step in drift["jobs"]["drift"]["steps"])
    assert "pulumi refresh" in commands
    assert "--preview-only" in commands
    assert "--expect-no-changes" in commands

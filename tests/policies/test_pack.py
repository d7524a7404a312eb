"""The pack as the engine runs it: through the analyzer protocol, from `crms-infra plan`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, STACKS
from tests.helpers import copy_project, plan_copy, plan_of

CLI = str(Path(sys.executable).parent / "crms-infra")


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_has_no_mandatory_violation(stack: str) -> None:
    policy = plan_of(stack)["policy"]
    assert policy["pack"] == "crms-compliance"
    assert [v for v in policy["violations"] if v["level"] == "mandatory"] == []


@pytest.fixture
def broken_copy(tmp_path: Path) -> Path:
    """The project with its program and pack, to be broken in ways the settings cannot catch."""
    return copy_project(tmp_path)


def _suspend_versioning(project_dir: Path) -> None:
    bucket = project_dir / "components" / "bucket.py"
    bucket.write_text(
        bucket.read_text().replace('{"status": "Enabled"}', '{"status": "Suspended"}')
    )


def test_violations_show_through_the_plan_and_fail_it(broken_copy: Path) -> None:
    _suspend_versioning(broken_copy)
    cache = broken_copy / "components" / "cache.py"
    cache.write_text(
        cache.read_text().replace(
            "primary_region=args.primary_region", 'primary_region="us-east-1"'
        )
    )
    result = plan_copy(broken_copy)
    assert result.returncode == 1, result.stderr
    violations = json.loads(result.stdout)["policy"]["violations"]
    policies = {v["policy"] for v in violations if v["level"] == "mandatory"}
    assert policies == {"s3-versioning", "residency-service-regions"}
    (region,) = [v for v in violations if v["policy"] == "residency-service-regions"]
    assert "'us-east-1' is not an allowed EU region" in region["message"]
    assert region["urn"].endswith("::cache-redis")


def test_a_disabled_rule_in_a_stacks_config_is_not_evaluated(broken_copy: Path) -> None:
    config = broken_copy / "policies" / "config.prod.json"
    settings = json.loads(config.read_text())
    settings["s3-versioning"] = "disabled"
    config.write_text(json.dumps(settings))
    _suspend_versioning(broken_copy)
    result = plan_copy(broken_copy)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["policy"]["violations"] == []


def test_all_in_a_stacks_config_sets_every_rules_level(broken_copy: Path) -> None:
    """`"all": "advisory"` (a form the CLI honours) leaves a broken bucket advisory."""
    config = broken_copy / "policies" / "config.prod.json"
    config.write_text(json.dumps({**json.loads(config.read_text()), "all": "advisory"}))
    _suspend_versioning(broken_copy)
    result = plan_copy(broken_copy)
    assert result.returncode == 0, result.stderr
    levels = {v["level"] for v in json.loads(result.stdout)["policy"]["violations"]}
    assert levels == {"advisory"}


def test_check_plans_every_stack() -> None:
    result = subprocess.run([CLI, "check"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["dev", "prod", "staging"]

"""`crms-infra check --format sarif`: valid SARIF 2.1.0 (the schema GitHub's upload action
checks against), the pack's rules, and each finding on the line it comes from."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from crms_infra.check.sarif_locations import RULE_SETTINGS, Locator, Place
from crms_infra.plan_model import Violation
from crms_infra.schema import project_config_schema
from tests.conftest import REPO
from tests.helpers import CLI, copy_project

SCHEMA = json.loads((REPO / "tests" / "fixtures" / "sarif-schema-2.1.0.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def sarif(project_dir: Path) -> tuple[int, dict[str, Any]]:
    result = subprocess.run(
        [CLI, "check", "--format", "sarif", "--project-dir", str(project_dir)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def problems(log: dict[str, Any]) -> list[str]:
    return [error.message[:200] for error in VALIDATOR.iter_errors(log)]


def test_the_validation_can_fail() -> None:
    assert problems({"version": "2.1.0", "runs": [{"tool": {}}]})
    assert problems({"version": "2.0.0", "runs": []})


def test_every_stack_checks_clean_and_the_log_validates() -> None:
    code, log = sarif(REPO)
    assert code == 0
    assert problems(log) == []
    (run,) = log["runs"]
    rules = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert {"s3-tls-only", "processors-declared", "iam-no-wildcard-resource"} <= rules
    assert run["results"] == []


@pytest.fixture
def broken_copy(tmp_path: Path) -> Path:
    """Prod with a rule argument, two settings and one line of code each breaking a rule."""
    copy_project(tmp_path)
    config = tmp_path / "policies" / "config.prod.json"
    config.write_text(
        json.dumps({**json.loads(config.read_text()), "s3-log-retention": {"minimumDays": 400}})
    )
    stack_file = tmp_path / "Pulumi.prod.yaml"
    stack_file.write_text(
        stack_file.read_text()
        .replace("crms:sentryRegion: eu", "crms:sentryRegion: us")
        .replace(
            'crms:sentryReplaysOnErrorSampleRate: "0"', 'crms:sentryReplaysOnErrorSampleRate: "0.5"'
        )
    )
    bucket = tmp_path / "components" / "bucket.py"
    bucket.write_text(
        bucket.read_text().replace('{"status": "Enabled"}', '{"status": "Suspended"}')
    )
    return tmp_path


def _line_of(path: Path, text: str) -> int:
    (number,) = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    return number


def test_each_finding_points_at_the_line_it_comes_from(broken_copy: Path) -> None:
    code, log = sarif(broken_copy)
    assert code == 1
    assert problems(log) == []
    places = {
        (result["ruleId"], loc["physicalLocation"]["artifactLocation"]["uri"],
         loc["physicalLocation"]["region"]["startLine"])
        for result in log["runs"][0]["results"]
        for loc in result["locations"]
    }  # fmt: skip
    stack_file = broken_copy / "Pulumi.prod.yaml"
    assert (
        "s3-log-retention",
        "Pulumi.prod.yaml",
        _line_of(stack_file, "crms:storageAccessLogRetentionDays:"),
    ) in places
    assert (
        "processors-sentry-replays-eu",
        "Pulumi.prod.yaml",
        _line_of(stack_file, "crms:sentryReplaysOnErrorSampleRate:"),
    ) in places
    bucket = broken_copy / "components" / "bucket.py"
    assert (
        "s3-versioning",
        "components/bucket.py",
        _line_of(bucket, '"crms:index:HardenedBucket"'),
    ) in places
    (versioning,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "s3-versioning"][:1]
    assert versioning["level"] == "error"
    assert versioning["message"]["text"].startswith("prod: storage-")


def test_a_setting_left_to_its_default_points_at_the_schema(tmp_path: Path) -> None:
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.x.yaml").write_text("config:\n  crms:environment: development\n")
    violation: Violation = {
        "policy": "s3-log-retention",
        "level": "mandatory",
        "urn": None,
        "message": "",
    }
    line = _line_of(tmp_path / "Pulumi.yaml", "  storageAccessLogRetentionDays:")
    locator = Locator(tmp_path)
    assert locator.locate("x", violation, None) == Place("Pulumi.yaml", line)
    tls_only: Violation = {**violation, "policy": "s3-tls-only"}
    assert locator.locate("x", tls_only, None) == Place("Pulumi.x.yaml", 1)


def test_every_mapped_setting_is_a_setting() -> None:
    keys = set(project_config_schema())
    for rule, settings in RULE_SETTINGS.items():
        for group in settings.values() if isinstance(settings, dict) else [settings]:
            assert set(group) <= keys, rule

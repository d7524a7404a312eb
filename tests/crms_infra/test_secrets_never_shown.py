"""No secret value reaches any form the CLI writes: the plan (text, JSON, Markdown), the diff
(text, JSON, Markdown), the residency report (Markdown, JSON), the policy check (SARIF);
and a variable the program marks plain but builds from a secret stays `[secret]`."""

import json
import re
from pathlib import Path

import pytest

from crms_infra.check.sarif import sarif_log
from crms_infra.diff.plans import diff_json, diff_markdown, diff_plans, diff_text
from crms_infra.offline.engine import plan_stack
from crms_infra.plan.render import plan_json, plan_markdown, plan_text
from crms_infra.plan_model import Plan
from crms_infra.policy_config import read_policy_config
from crms_infra.residency.links import PlanIndex
from crms_infra.residency.render import report_json, report_markdown
from crms_infra.residency.report import residency_report
from crms_infra.stack_file.reader import load_yaml_file
from tests.conftest import REPO
from tests.helpers import copy_project, plan_copy

GENERATED = re.compile(r"mock-[0-9a-f]{24}")
"""The offline engine's stand-ins for generated secrets (passwords, API keys)."""


def _secret_values(stack: str) -> dict[str, str]:
    """A recognisable value for every secret key the project declares."""
    schema = load_yaml_file(REPO / "Pulumi.yaml")["config"]
    return {
        (key if ":" in key else f"crms:{key}"): f"known-secret-{stack}-{index:02}"
        for index, (key, declaration) in enumerate(sorted(schema.items()))
        if isinstance(declaration, dict) and declaration.get("secret")
    }


def _forms(before: Plan, after: Plan) -> dict[str, str]:
    diff = diff_plans(before, after, "dev", "prod")
    report = residency_report(after, read_policy_config(REPO / "policies", "prod"))
    return {
        "plan text": plan_text(after),
        "plan json": plan_json(after),
        "plan markdown": plan_markdown(after),
        "diff text": diff_text(diff),
        "diff json": diff_json(diff),
        "diff markdown": diff_markdown(diff),
        "residency markdown": report_markdown(report, PlanIndex(after)),
        "residency json": report_json(report),
        "check sarif": sarif_log(REPO, {"dev": before, "prod": after}, []),
    }


def test_no_secret_value_in_any_output_form() -> None:
    secrets = {stack: _secret_values(stack) for stack in ("dev", "prod")}
    assert len(secrets["prod"]) >= 4
    before = plan_stack(REPO, "dev", secrets["dev"])
    after = plan_stack(REPO, "prod", secrets["prod"])
    for form, text in _forms(before, after).items():
        for value in [*secrets["dev"].values(), *secrets["prod"].values()]:
            assert value not in text, form
        assert GENERATED.search(text) is None, form
        assert "[secret]" in text or not form.startswith("plan"), form


@pytest.fixture
def leaky_copy(tmp_path: Path) -> Path:
    """The project, with the Sentry DSN (a secret) made a variable marked plain and declared
    plain by the Compute component (the CLI has imported `stacks` already; `components` is
    imported from the planned project)."""
    copy_project(tmp_path)
    compute = tmp_path / "components" / "variables.py"
    edits = {
        "sensitive=variable.sensitive,": (
            'sensitive=variable.sensitive and variable.key != "SENTRY_DSN",'
        ),
        "if not v.sensitive}": 'if not v.sensitive or v.key == "SENTRY_DSN"}',
    }
    text = compute.read_text()
    for old, new in edits.items():
        assert old in text
        text = text.replace(old, new)
    compute.write_text(text)
    return tmp_path


def test_a_variable_marked_plain_but_built_from_a_secret_stays_secret(leaky_copy: Path) -> None:
    plan = json.loads(plan_copy(leaky_copy).stdout)
    dsns = [r["inputs"] for r in plan["resources"] if r["inputs"].get("key") == "SENTRY_DSN"]
    assert sorted(dsn["targets"] for dsn in dsns) == [["preview"], ["production"]]
    for dsn in dsns:
        assert dsn["sensitive"] is False
        assert dsn["value"] == "[secret]"

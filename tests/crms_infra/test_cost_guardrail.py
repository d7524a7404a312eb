"""The cost-increase guardrail of `crms-infra diff`: the month a change adds against the
threshold in the stack's policy config (mandatory on prod), and unknown prices counted as
findings, never as $0."""

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from crms_infra.cli import main
from crms_infra.plan_model import Plan, PlanResource
from tests.conftest import REPO
from tests.helpers import plan_of

EXIT_OK, EXIT_POLICY, EXIT_ERROR = 0, 1, 2


def with_usage(stack: str, **usage: Any) -> Plan:
    plan = copy.deepcopy(plan_of(stack))
    inputs = plan["outputs"]["costInputs"]
    assert isinstance(inputs, dict)
    assert isinstance(inputs["settings"], dict)
    inputs["settings"].update(usage)
    return plan


def with_another(stack: str, type_: str, name: str) -> Plan:
    """The stack's plan with a copy of its first resource of `type_`, named `name`."""
    plan = copy.deepcopy(plan_of(stack))
    model = next(r for r in plan["resources"] if r["type"] == type_)
    extra: PlanResource = {
        **copy.deepcopy(model),
        "name": name,
        "urn": model["urn"].rsplit("::", 1)[0] + f"::{name}",
    }
    plan["resources"].append(extra)
    return plan


def diff(tmp_path: Path, base: Plan, head: Plan, form: str = "text", project: Path = REPO) -> int:
    """`crms-infra diff` of the two plans, saved; the caller reads its output with capsys."""
    paths = [tmp_path / "base.json", tmp_path / "head.json"]
    for path, plan in zip(paths, (base, head), strict=True):
        path.write_text(json.dumps(plan))
    return main(["diff", *map(str, paths), "--format", form, "--project-dir", str(project)])


def test_a_change_adding_50_dollars_a_month_to_prod_fails_the_guardrail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two drains, 50 GB more each at $0.50 a GB: $50.00 more a month.
    head = with_usage("prod", usageDrainGb=52)
    code = diff(tmp_path, plan_of("prod"), head)
    out = capsys.readouterr().out
    assert code == EXIT_POLICY
    assert "(+$50.00)" in out
    assert (
        "cost-increase (mandatory, config.prod.json): +$50.00 a month against $25.00: 1 finding(s)"
    ) in out
    assert "the change adds +$50.00 a month, over the $25.00 cost-increase allows for prod" in out


def test_a_change_within_the_threshold_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = diff(tmp_path, plan_of("prod"), with_usage("prod", usageDrainGb=12))  # +$10
    assert code == EXIT_OK
    assert "+$10.00 a month against $25.00: within it" in capsys.readouterr().out


def test_an_added_resource_of_unknown_price_is_a_finding_not_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = with_another("prod", "aws:s3/bucket:Bucket", "storage-extra")
    code = diff(tmp_path, plan_of("prod"), head)
    out = capsys.readouterr().out
    assert code == EXIT_POLICY  # its known change is $0.00, under the threshold
    assert "$0.00 a month against $25.00: 1 finding(s)" in out
    assert "::storage-extra: 1 line(s) of unknown price added, counted as a finding" in out


def test_an_advisory_guardrail_reports_and_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = with_another("dev", "aws:cloudwatch/metricAlarm:MetricAlarm", "alerts-extra")
    code = diff(tmp_path, plan_of("dev"), head)
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "cost-increase (advisory, config.dev.json)" in out
    assert "[advisory] " in out


def test_the_pull_request_comment_shows_the_increase_against_the_threshold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = diff(tmp_path, plan_of("prod"), with_usage("prod", usageDrainGb=52), "markdown")
    section = capsys.readouterr().out.split("#### Monthly cost", 1)[1]
    assert code == EXIT_POLICY
    assert (
        "**cost-increase (mandatory, config.prod.json): +$50.00 a month against $25.00" in section
    )
    assert "- `mandatory` the change adds +$50.00 a month" in section


def test_the_json_form_carries_the_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert diff(tmp_path, plan_of("prod"), with_usage("prod", usageDrainGb=52), "json") == 1
    verdict = json.loads(capsys.readouterr().out)["monthlyCost"]["guardrail"]
    assert verdict["level"] == "mandatory"
    assert (verdict["thresholdUsd"], verdict["increaseUsd"], verdict["fails"]) == (25, 50, True)


def test_plans_of_two_stacks_are_no_change_to_guard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = diff(tmp_path, plan_of("dev"), plan_of("prod"))
    assert code == EXIT_OK
    assert "cost-increase" not in capsys.readouterr().out


@pytest.mark.parametrize("threshold", ['"25"', "-1", "true"])
def test_a_threshold_that_is_not_an_amount_is_refused_by_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], threshold: str
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "Pulumi.yaml", project / "Pulumi.yaml")
    (project / "policies").mkdir()
    config = {"cost-increase": {"maxIncreaseMonthlyUsd": json.loads(threshold)}}
    (project / "policies" / "config.prod.json").write_text(json.dumps(config))
    code = diff(tmp_path, plan_of("prod"), plan_of("prod"), project=project)
    error = capsys.readouterr().err
    assert code == EXIT_ERROR
    assert "config.prod.json: cost-increase: maxIncreaseMonthlyUsd is " in error
    assert "a number of USD a month, 0 or more" in error

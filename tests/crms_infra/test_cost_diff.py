"""The monthly change in `crms-infra diff`: per resource added, removed or changed, and in
all, inside the pull-request comment's size."""

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from crms_infra.cli import main
from crms_infra.cost.changes import CostChange, change_markdown, cost_change
from crms_infra.cost.plan_costs import COST_INPUTS
from crms_infra.plan_model import Plan, PlanResource
from tests.helpers import inputs_of, plan_of

SUPABASE = "pulumi-python:dynamic/supabase:Project"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def edited(stack: str, type_: str, name: str, **inputs: Any) -> Plan:
    plan = copy.deepcopy(plan_of(stack))
    (resource,) = [r for r in plan["resources"] if (r["type"], r["name"]) == (type_, name)]
    inputs_of(resource).update(inputs)
    return plan


def with_another_alarm(stack: str) -> Plan:
    plan = copy.deepcopy(plan_of(stack))
    alarm = next(r for r in plan["resources"] if r["type"] == ALARM)
    extra: PlanResource = {
        **copy.deepcopy(alarm),
        "name": "alerts-extra",
        "urn": alarm["urn"].rsplit("::", 1)[0] + "::alerts-extra",
    }
    plan["resources"].append(extra)
    return plan


def change(before: Plan, after: Plan) -> CostChange:
    found = cost_change(before, after)
    assert isinstance(found, CostChange), found
    return found


def test_a_bigger_compute_size_is_a_changed_resource_by_exactly_its_price() -> None:
    found = change(
        plan_of("dev"), edited("dev", SUPABASE, "database-project", instance_size="small")
    )
    (item,) = found.items
    assert (item.how, item.key.endswith("::database-project")) == ("~", True)
    assert item.delta == found.delta == Decimal("5.33")  # 15.33 - 10.00, 744 hours each


def test_prod_carries_the_credits_and_they_are_used_up_before_and_after() -> None:
    found = change(
        plan_of("prod"), edited("prod", SUPABASE, "database-project", instance_size="large")
    )
    compute = Decimal("112.86") - Decimal("61.16")  # Large and Medium, 744 hours each
    assert found.delta == compute  # the $10 credit is used up either way


def test_an_added_alarm_is_an_added_resource_of_unknown_price() -> None:
    # dev carries no free tier of the shared AWS account; CloudWatch's Zurich price is unknown.
    found = change(plan_of("dev"), with_another_alarm("dev"))
    added = [item for item in found.items if item.how == "+"]
    assert [item.key.rsplit("::", 1)[-1] for item in added] == ["alerts-extra"]
    assert added[0].after is not None
    assert added[0].after.unknown == 1
    assert found.after.unknown == found.before.unknown + 1


def test_no_change_says_so() -> None:
    found = change(plan_of("staging"), plan_of("staging"))
    assert found.items == []
    assert found.delta == 0


def test_a_base_plan_without_cost_inputs_is_not_estimated_and_says_why() -> None:
    base = copy.deepcopy(plan_of("dev"))
    del base["outputs"][COST_INPUTS]
    found = cost_change(base, plan_of("dev"))
    assert isinstance(found, str)
    assert "before" in found
    assert "costInputs" in found


@pytest.mark.parametrize("budget", [120, 400, 5_000])
def test_the_section_stays_within_its_budget(budget: int) -> None:
    section = change_markdown(change(plan_of("dev"), plan_of("prod")), budget)
    assert len(section) <= budget
    if budget >= 400:
        assert "#### Monthly cost" in section


def test_the_pull_request_comment_shows_the_monthly_change_within_its_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = tmp_path / "base.json", tmp_path / "head.json"
    base.write_text(json.dumps(plan_of("dev")))
    head.write_text(json.dumps(with_another_alarm("dev")))
    args = ["diff", str(base), str(head), "--format", "markdown", "--max-chars", "5000"]
    assert main(args) == 0
    comment = capsys.readouterr().out
    assert len(comment) <= 5_000
    section = comment[comment.index("#### Monthly cost") :]
    assert "lines of unknown price: 13 → 14" in section
    assert (
        "| + | `crms:index:Alerts$aws:cloudwatch/metricAlarm:MetricAlarm::alerts-extra`" in section
    )


@pytest.mark.parametrize("form", ["text", "json"])
def test_the_other_forms_carry_the_monthly_change(
    form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, head = tmp_path / "base.json", tmp_path / "head.json"
    base.write_text(json.dumps(plan_of("dev")))
    head.write_text(json.dumps(edited("dev", SUPABASE, "database-project", instance_size="small")))
    assert main(["diff", str(base), str(head), "--format", form]) == 0
    out = capsys.readouterr().out
    if form == "json":
        assert json.loads(out)["monthlyCost"]["changeUsd"] == 5.33
    else:
        assert "monthly cost: $24.00 → $29.33 a month (+$5.33)" in out

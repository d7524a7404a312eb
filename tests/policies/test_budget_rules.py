"""The rule of crms_rules/budget.py: the month within the stack's budget, priced by the
pack's own copy of the pricing from what the analyzer sees."""

from decimal import Decimal
from typing import Any

from crms_rules import budget
from crms_rules.core import Resource

from crms_infra.cost.plan_costs import plan_cost
from tests.helpers import plan_of
from tests.policies.views import Failure, changed, rule_case_tests, stack_view, violations

STACK = "pulumi:pulumi:Stack"


def _inputs(view: tuple[Resource, ...], **changes: Any) -> list[Resource]:
    stack = next(r for r in view if r.type == STACK)
    return changed(view, stack.name, STACK, costInputs={**stack.props["costInputs"], **changes})


def _stray(view: tuple[Resource, ...]) -> list[Resource]:
    urn = "urn:pulumi:prod::crms::aws:ec2/instance:Instance::box"
    return [*view, Resource("aws:ec2/instance:Instance", "box", urn, {})]


FAILURES: list[Failure] = [
    ("cost-budget", lambda v: _inputs(v, budgetMonthlyUsd=100), "over the budget of $100.00"),
    ("cost-budget", lambda v: _inputs(v, budgetMonthlyUsd=100), "database-project compute"),
    ("cost-budget", lambda v: changed(v, "crms-prod", STACK, costInputs=None), "no costInputs"),
    ("cost-budget", lambda v: _inputs(v, settings={}), "cannot be priced"),
    ("cost-budget", _stray, "aws:ec2/instance:Instance"),
]


(
    test_each_way_a_rule_fails,
    test_every_rule_has_a_failure_case,
    test_an_exemption_waives_a_resource_until_it_expires,
) = rule_case_tests(budget.RULES, FAILURES)


def test_the_pack_prices_what_it_sees_as_crms_infra_prices_the_plan() -> None:
    """The analyzer's view (outputs) and the plan (inputs) give the same month."""
    total = plan_cost(plan_of("prod")).estimate.total
    (message,) = violations("cost-budget", _inputs(stack_view("prod"), budgetMonthlyUsd=1))
    assert f"estimated ${total:,.2f} a month" in message
    assert total > Decimal(100)


def test_a_budget_just_above_the_estimate_holds() -> None:
    total = plan_cost(plan_of("prod")).estimate.total
    view = _inputs(stack_view("prod"), budgetMonthlyUsd=float(total) + 0.01)
    assert violations("cost-budget", view) == []

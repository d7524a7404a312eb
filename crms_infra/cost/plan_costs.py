"""A plan's estimate: its resources priced with the usage settings its `costInputs` output
carries (stacks/cost_inputs.py)."""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from crms_pricing.model import Estimate, Resource
from crms_pricing.prices import PriceBook
from crms_pricing.table import estimate

from crms_infra.plan_model import Plan, PlanResource

COST_INPUTS = "costInputs"


class NoCostInputsError(Exception):
    """The plan has no `costInputs` output (a plan of a revision before cost estimates)."""


@dataclass(frozen=True)
class PlanCost:
    stack: str
    estimate: Estimate
    budget: Decimal | None


@cache
def price_book() -> PriceBook:
    return PriceBook.load()


def plan_cost(plan: Plan) -> PlanCost:
    inputs = plan["outputs"].get(COST_INPUTS)
    if not isinstance(inputs, dict) or not isinstance(inputs.get("settings"), dict):
        raise NoCostInputsError(
            f"the plan of {plan['stack']} has no {COST_INPUTS} output to price it with"
        )
    budget = inputs.get("budgetMonthlyUsd")
    return PlanCost(
        stack=plan["stack"],
        estimate=estimate(plan_resources(plan), inputs["settings"], price_book()),
        budget=Decimal(str(budget)) if isinstance(budget, int | float) else None,
    )


def plan_resources(plan: Plan) -> list[Resource]:
    return [_resource(resource) for resource in plan["resources"]]


def _resource(resource: PlanResource) -> Resource:
    return Resource(
        resource["type"],
        resource["name"],
        resource["urn"],
        resource["inputs"],
        tuple(resource["dependencies"]),
    )

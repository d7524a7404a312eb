"""Cost: the stack's estimated month within its budget (`crms:budgetMonthlyUsd`).

The pack prices the stack itself, with the pricing package `crms-infra cost` uses
(crms_pricing, policies/pricing, which the pack's requirements install), from every
resource's outputs and the budget and usage settings the program exports as the stack
output `costInputs` (stacks/cost_inputs.py). Lines of unknown price are not counted; the
message says how many.
"""

from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any

from crms_pricing.context import PricingError
from crms_pricing.model import Resource as PricedResource
from crms_pricing.model import money, usd
from crms_pricing.prices import PriceBook, PriceDataError
from crms_pricing.table import estimate

from crms_rules.core import Resource, Rule, Severity, StackRule, Violation, of_type

COST_INPUTS = "costInputs"
BIGGEST_LINES = 3


@cache
def _book() -> PriceBook:
    return PriceBook.load()


def within_budget(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    stack = next(of_type(resources, "pulumi:pulumi:Stack"), None)
    inputs = stack.props.get(COST_INPUTS) if stack else None
    budget = inputs.get("budgetMonthlyUsd") if isinstance(inputs, Mapping) else None
    if stack is None or not isinstance(inputs, Mapping) or not isinstance(budget, int | float):
        yield Violation(
            f"the stack exports no {COST_INPUTS} output with its budget and usage",
            stack.urn if stack else None,
        )
        return
    priced = [PricedResource(r.type, r.name, r.urn, r.props, r.dependencies) for r in resources]
    try:
        month = estimate(priced, inputs.get("settings"), _book())
    except (PricingError, PriceDataError) as error:
        yield Violation(f"the stack cannot be priced: {error}", stack.urn)
        return
    if month.total > money(budget):
        biggest = "; ".join(
            f"{line.name} {line.what} {usd(line.monthly)}" for line in month.biggest(BIGGEST_LINES)
        )
        yield Violation(
            f"estimated {usd(month.total)} a month, over the budget of {usd(money(budget))} "
            f"(crms:budgetMonthlyUsd); the biggest lines: {biggest}; {month.unknown} lines of "
            "unknown price are not counted",
            stack.urn,
        )


RULES: list[Rule] = [
    StackRule(
        name="cost-budget",
        description="The stack's estimated monthly cost is within crms:budgetMonthlyUsd.",
        severity=Severity.MEDIUM,
        remediation=(
            "Shrink what costs most (the lines named; `crms-infra cost STACK` lists every "
            "line), or raise crms:budgetMonthlyUsd in Pulumi.<stack>.yaml and say why in the "
            "pull request."
        ),
        check=within_budget,
    ),
]

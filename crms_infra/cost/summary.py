"""The monthly total that ends a plan's text and Markdown forms (crms_infra/plan/render.py)."""

from crms_pricing.context import PricingError
from crms_pricing.prices import PriceDataError

from crms_infra.cost.plan_costs import NoCostInputsError, plan_cost
from crms_infra.cost.render import headline
from crms_infra.plan_model import Plan

ESTIMATE_ERRORS = (NoCostInputsError, PricingError, PriceDataError)
"""Why a plan may have no estimate: each names what is missing or wrong."""


def monthly_total_line(plan: Plan) -> str:
    try:
        summary = headline(plan_cost(plan))
    except ESTIMATE_ERRORS as error:
        return f"Monthly cost: not estimated: {error}"
    return f"Monthly cost: {summary} (`crms-infra cost {plan['stack']}` lists every line)."

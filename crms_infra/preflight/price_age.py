"""Preflight's one warning: prices older than half a year. It does not refuse the stack (no
vendor refuses a run for it), but an estimate and the cost rules on old prices may be off."""

import datetime as dt

from crms_infra.cost.plan_costs import plan_cost
from crms_infra.cost.summary import ESTIMATE_ERRORS
from crms_infra.preflight.subject import ProgramStopped, StackUnderCheck
from stacks.loader import SettingsError

MAX_PRICE_AGE_DAYS = 180


def price_age_warning(subject: StackUnderCheck, today: dt.date) -> str | None:
    """A line if the oldest price the stack's estimate uses is over MAX_PRICE_AGE_DAYS old
    on `today`; nothing where there is no plan to price (the findings say why)."""
    try:
        oldest = plan_cost(subject.plan()).estimate.oldest_price_date
    except (ProgramStopped, SettingsError, *ESTIMATE_ERRORS):
        return None
    if oldest is None:
        return None
    age = (today - dt.date.fromisoformat(oldest)).days
    if age <= MAX_PRICE_AGE_DAYS:
        return None
    return (
        f"warning: the oldest price {subject.stack}'s estimate uses is dated {oldest}, {age} "
        f"days before {today.isoformat()} (over {MAX_PRICE_AGE_DAYS}): run `make prices` and "
        "re-read the vendors' pages its entries cite (policies/pricing); not a refusal"
    )

"""Preflight's warning on prices read more than 180 days before: a warning, never a refusal,
and counted to the day the caller names (no test depends on today's date)."""

import datetime as dt

from crms_infra.cost.plan_costs import plan_cost
from crms_infra.preflight.price_age import MAX_PRICE_AGE_DAYS, price_age_warning
from crms_infra.preflight.run import preflight
from crms_infra.preflight.subject import StackUnderCheck
from tests.conftest import REPO
from tests.helpers import plan_of


def oldest_read(stack: str) -> dt.date:
    oldest = plan_cost(plan_of(stack)).estimate.oldest_price_date
    assert oldest is not None
    return dt.date.fromisoformat(oldest)


def test_prices_read_180_days_before_are_not_warned_of_181_are() -> None:
    subject = StackUnderCheck(REPO, "prod", plan_of("prod"))
    limit = oldest_read("prod") + dt.timedelta(days=MAX_PRICE_AGE_DAYS)
    assert price_age_warning(subject, limit) is None
    warning = price_age_warning(subject, limit + dt.timedelta(days=1))
    assert warning is not None
    assert warning.startswith(
        f"warning: the oldest price prod's estimate uses is dated {oldest_read('prod')}, 181 days"
    )
    assert "make prices" in warning


def test_preflight_prints_the_warning_without_a_finding_of_its_own() -> None:
    """The checkout's stack files leave secrets unset, so preflight has findings here; the
    warning adds none, and the verdict counts only them."""
    on_time = preflight(REPO, "dev", today=oldest_read("dev"))
    late = preflight(REPO, "dev", today=oldest_read("dev") + dt.timedelta(days=400))
    assert on_time.warnings == []
    assert late.findings == on_time.findings
    (warning,) = late.warnings
    report = late.report("dev").splitlines()
    assert warning in report
    assert report[-1] == on_time.report("dev").splitlines()[-1]

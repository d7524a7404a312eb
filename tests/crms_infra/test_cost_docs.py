"""docs/cost.md says only what the commands and the price files say: each figure it states is
checked here against them (its table of estimates by tests/test_docs.py)."""

import re
from decimal import Decimal

import pytest
from crms_pricing.model import HOURS_PER_MONTH
from crms_pricing.prices import PriceBook

from crms_infra.cost.guardrail import read_guardrail
from crms_infra.cost.plan_costs import plan_cost
from crms_infra.preflight.price_age import MAX_PRICE_AGE_DAYS
from stacks.usage import UsageSettings
from tests.conftest import REPO, STACKS
from tests.helpers import load, plan_of


def section() -> str:
    return (REPO / "docs" / "cost.md").read_text()


def table_rows(header_start: str) -> dict[str, list[str]]:
    """The table whose header row starts so, by its first column."""
    lines = section().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = {}
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def dollars(text: str) -> Decimal:
    return Decimal(text.removeprefix("$").replace(",", ""))


@pytest.mark.parametrize("stack", STACKS)
def test_the_oldest_read_it_states_is_each_estimates(stack: str) -> None:
    oldest = plan_cost(plan_of(stack)).estimate.oldest_price_date
    assert f"prices read {oldest} at the oldest" in " ".join(section().split())


@pytest.mark.parametrize("stack", STACKS)
def test_the_guardrail_table_is_each_stacks_policy_config(stack: str) -> None:
    threshold, level = table_rows("| stack | cost-increase threshold")[stack]
    guardrail = read_guardrail(REPO / "policies", stack)
    assert guardrail is not None
    assert (dollars(threshold), level) == (guardrail.threshold, guardrail.level)


def test_the_figures_in_the_prose_are_the_price_files_and_the_code() -> None:
    text = " ".join(section().split())
    book = PriceBook.load()
    allowances = {key: book.allowance(f"aws:{key}").quantity for key in (
        "kms.free_requests", "cloudwatch.free_alarm_metrics", "cloudwatch.free_custom_metrics",
        "cloudwatch.free_api_requests")}  # fmt: skip
    assert allowances == {
        "kms.free_requests": 20_000,
        "cloudwatch.free_alarm_metrics": 10,
        "cloudwatch.free_custom_metrics": 10,
        "cloudwatch.free_api_requests": 1_000_000,
    }
    assert "(20,000 KMS requests, 10 alarm metrics, 10 metrics, 1 million API requests)" in text
    assert f"Hourly prices bill {HOURS_PER_MONTH} hours" in text
    drains = book.price("vercel:drains.gb")
    assert f"drains bill ${drains.usd:.2f} a GB" in text
    assert f"more than {MAX_PRICE_AGE_DAYS} days before" in text
    cold = load("prod").storage.backups_cold_after_days
    assert f"Glacier Instant Retrieval for backups after {cold} days" in text
    assert UsageSettings().kms_key_age_days == 2 * 365
    assert "two years by default" in text
    assert re.search(r"rotating KMS key adds a key version's price at each of its first two", text)

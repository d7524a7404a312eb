"""`crms-infra cost` on the real stacks: every type priced or free, every line tied to a price
entry with its page and date, totals that add up, and the plan's own monthly total."""

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import get_args

import pytest
from crms_pricing import supabase, table, vercel
from crms_pricing.model import Line
from crms_pricing.table import Free

from components.function_limits import FLUID_CLASSES
from crms_infra.cli import main
from crms_infra.cost.plan_costs import COST_INPUTS, plan_cost, price_book
from crms_infra.plan.render import plan_markdown, plan_text
from stacks.regions import VercelEuropeanRegion
from stacks.settings import InstanceSize
from tests.conftest import STACKS
from tests.helpers import plan_of

UNKNOWN_BY_DESIGN = {"sentry:plan.team"}
"""Prices no dated source gave (policies/pricing/src/crms_pricing/prices/sentry.json says why)."""


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_type_of_every_stack_is_priced_or_free_with_a_reason(stack: str) -> None:
    for resource in plan_of(stack)["resources"]:
        entry = table.entry(resource["type"])
        assert not isinstance(entry, Free) or len(entry.reason) > 10, resource["type"]


def test_every_priced_type_prices_something_in_some_stack() -> None:
    """A pricing function that never yields a line is a type priced at nothing, silently."""
    priced = {t for t, entry in table.BY_TYPE.items() if not isinstance(entry, Free)}
    seen = {line.urn.split("::")[2].split("$")[-1] for line in _lines() if line.urn}
    assert priced == seen


@pytest.mark.parametrize("stack", STACKS)
def test_every_line_names_its_price_entry_page_and_date(stack: str) -> None:
    book = price_book()
    for line in plan_cost(plan_of(stack)).estimate.lines:
        price = book.price(line.price_key)
        assert (line.source, line.read, line.provider) == (price.source, price.read, price.vendor)
        assert line.unit_price == price.usd or line.urn is None or "held at" in line.what


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("unknown_price", [None, "aws:s3.eu-central-2.standard_gb_month"])
def test_the_total_printed_is_the_sum_of_the_lines_printed(
    stack: str,
    unknown_price: str | None,
    unpriced: Callable[[str], None],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if unknown_price:
        unpriced(unknown_price)  # every stack stores photos in Zurich
    printed = json.loads(_cost(stack, tmp_path, capsys, "json"), parse_float=Decimal)
    known = [line["monthlyUsd"] for line in printed["lines"] if line["monthlyUsd"] is not None]
    assert printed["totalUsd"] == sum(known)
    unknown = [line for line in printed["lines"] if line["monthlyUsd"] is None]
    assert printed["unknownLines"] == len(unknown)
    unexpected = [line for line in unknown if line["price"] not in UNKNOWN_BY_DESIGN]
    assert bool(unexpected) == bool(unknown_price)
    assert all(line["unitPriceUsd"] is None for line in unknown)
    assert sum(printed["subtotals"]["provider"].values()) == printed["totalUsd"]
    assert sum(printed["subtotals"]["component"].values()) == printed["totalUsd"]


def test_cost_prod_prints_every_line_with_its_source_and_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _cost("prod", tmp_path, capsys, "text")
    estimate = plan_cost(plan_of("prod")).estimate
    body = [line for line in text.splitlines() if line.startswith(("   ", " * "))]
    assert len(body) == len(estimate.lines)
    assert all("[https://" in line and ", read 2026-" in line for line in body)
    assert "database-project" in text
    assert "compute medium: 744 hour x $0.0822 = $61.16" in text
    marked = [line for line in body if line.startswith(" * ")]
    assert len(marked) == sum(1 for line in estimate.lines if line.settings)
    assert text.splitlines()[-1] == f"Total: ${estimate.total:,.2f} a month"


def test_the_markdown_form_is_a_table_of_every_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    markdown = _cost("prod", tmp_path, capsys, "markdown")
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) == len(plan_cost(plan_of("prod")).estimate.lines)
    assert "usage: usagePhotosStoredGb" in markdown


def test_a_plan_without_cost_inputs_is_refused_with_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = json.loads(json.dumps(plan_of("dev")))
    del plan["outputs"][COST_INPUTS]
    saved = tmp_path / "old.json"
    saved.write_text(json.dumps(plan))
    assert main(["cost", str(saved)]) == 2
    assert "has no costInputs output" in capsys.readouterr().err
    assert plan_text(plan).splitlines()[-1].startswith("Monthly cost: not estimated: ")


@pytest.mark.parametrize("stack", STACKS)
def test_the_plan_ends_with_the_monthly_total(stack: str) -> None:
    cost = plan_cost(plan_of(stack))
    # Every line of the committed stacks has its price, but those unknown by design.
    unknown = [line.price_key for line in cost.estimate.lines if line.monthly is None]
    assert set(unknown) <= UNKNOWN_BY_DESIGN
    for rendered in (plan_text(plan_of(stack)), plan_markdown(plan_of(stack))):
        last = rendered.splitlines()[-1]
        assert last.startswith(f"Monthly cost: ${cost.estimate.total:,.2f} a month (USD)")
        assert ("unknown" in last) == bool(unknown)


def test_the_plan_says_how_many_lines_are_of_unknown_price(
    unpriced: Callable[[str], None],
) -> None:
    unpriced("aws:s3.eu-central-2.standard_gb_month")
    cost = plan_cost(plan_of("prod"))
    # The photos, the access logs, the young backups; and the Sentry plan, by design.
    assert cost.estimate.unknown == 4
    for rendered in (plan_text(plan_of("prod")), plan_markdown(plan_of("prod"))):
        last = rendered.splitlines()[-1]
        assert last.startswith(f"Monthly cost: ${cost.estimate.total:,.2f} a month (USD)")
        assert f"4 of {len(cost.estimate.lines)} lines unknown, not counted" in last


def test_the_price_data_covers_what_the_settings_allow() -> None:
    book = price_book()
    for size in InstanceSize:
        book.price(f"supabase:compute.{supabase.BILLED_AS.get(size.value, size.value)}")
    for variant in ("pitr_7", "pitr_14", "pitr_28"):  # ApplyProjectAddonBody.addon_variant
        book.price(f"supabase:pitr.{variant}")
    for region in get_args(VercelEuropeanRegion):
        book.price(f"vercel:fluid.{region}.active_cpu_hour")
        book.price(f"vercel:fluid.{region}.memory_gb_hour")


def test_the_fluid_memory_is_the_function_limits_classes() -> None:
    classes = {cpu.cpu_type.value: Decimal(cpu.memory_mb) / 1024 for cpu in FLUID_CLASSES}
    assert classes == vercel.FLUID_MEMORY_GB


def _lines() -> list[Line]:
    return [line for stack in STACKS for line in plan_cost(plan_of(stack)).estimate.lines]


def _cost(stack: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], form: str) -> str:
    """`crms-infra cost` on the stack's plan, saved (so the stack is planned once a session)."""
    saved = tmp_path / f"{stack}.json"
    saved.write_text(json.dumps(plan_of(stack)))
    assert main(["cost", str(saved), "--format", form]) == 0
    return capsys.readouterr().out

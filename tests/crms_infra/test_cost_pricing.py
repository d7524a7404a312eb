"""The pricing on small hand-made stacks: totals, one changed input moving the total by
exactly its line, credits and caps, and every way it refuses to guess."""

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from crms_pricing import supabase
from crms_pricing.context import PricingError
from crms_pricing.model import Estimate, Line, Resource
from crms_pricing.prices import PriceBook, PriceDataError
from crms_pricing.table import UnpricedTypeError, estimate

from crms_infra.cost.plan_costs import price_book
from stacks.cost_inputs import cost_inputs
from tests.helpers import load

PITR = supabase.DYNAMIC + "PitrAddon"
"""The type of components/supabase/pitr.py's PitrAddon, as the plan shows it."""
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def urn(type_: str, name: str, component: str = "Database") -> str:
    return f"urn:pulumi:dev::crms::crms:index:{component}${type_}::{name}"


def project(size: str = "small") -> Resource:
    props = {"instance_size": size, "region": "eu-central-2"}
    return Resource(supabase.PROJECT, "database-project", urn(supabase.PROJECT, "db"), props)


def pitr(variant: object) -> Resource:
    return Resource(PITR, "database-pitr", urn(PITR, "database-pitr"), {"variant": variant})


def alarm(name: str, **props: Any) -> Resource:
    base = {"region": "eu-central-2", "namespace": "CRMS/dev", "metricName": name, "period": 60}
    return Resource(ALARM, name, urn(ALARM, name, "Alerts"), {**base, **props})


def settings(stack: str = "dev", **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = cost_inputs(load(stack))["settings"]
    return {**values, **overrides}


def month(resources: list[Resource], book: PriceBook | None = None, **overrides: Any) -> Estimate:
    return estimate(resources, settings(**overrides), book or price_book())


def only(found: Estimate, what: str) -> Line:
    (line,) = [line for line in found.lines if line.what.startswith(what)]
    return line


def _monthly(found: Estimate, what: str) -> Decimal:
    amount = only(found, what).monthly
    assert amount is not None
    return amount


def test_the_total_is_the_sum_of_the_known_lines() -> None:
    found = month([project("medium"), alarm("a")])
    assert found.total == sum(line.monthly for line in found.lines if line.monthly is not None)
    # The alarm, the custom metric it reads and the PutMetricData calls: CloudWatch's Zurich
    # prices were not found.
    assert found.unknown == 3
    assert only(found, "compute medium").monthly == Decimal("61.16")  # 0.0822 x 744


def test_adding_pitr_moves_the_total_by_exactly_its_line() -> None:
    without = month([project(), pitr("none")])
    assert not [line for line in without.lines if line.urn == pitr("none").urn]
    with_pitr = month([project(), pitr("pitr_7")])
    line = only(with_pitr, "PITR, 7 days")
    assert line.monthly == Decimal("101.93")  # 0.137 x 744
    assert with_pitr.total - without.total == line.monthly


@pytest.mark.parametrize(("variant", "monthly"), [("pitr_14", "203.86"), (28, "409.20")])
def test_another_pitr_variant_moves_the_total_by_the_difference(
    variant: object, monthly: str
) -> None:
    seven = month([project(), pitr("pitr_7")])
    other = month([project(), pitr(variant)])
    assert only(other, "PITR").monthly == Decimal(monthly)
    assert other.total - seven.total == Decimal(monthly) - Decimal("101.93")


def test_a_bigger_compute_size_moves_the_total_by_the_compute_lines_difference() -> None:
    small, large = month([project("small")]), month([project("large")])
    difference = _monthly(large, "compute large") - _monthly(small, "compute small")
    assert large.total - small.total == difference == Decimal("97.53")  # 112.86 - 15.33 (744 h)


def test_one_more_alarm_adds_exactly_its_line() -> None:
    alarms = [alarm("a"), alarm("b")]
    before, after = month(alarms), month([*alarms, alarm("c")])
    assert (after.total, after.unknown) == (before.total, before.unknown + 1)
    # With a price for it (a test's, not a vendor's), the total moves by that line alone.
    book = _with_price("aws:cloudwatch.eu-central-2.alarm_metric_month", Decimal("0.25"))
    before, after = month(alarms, book), month([*alarms, alarm("c")], book)
    assert after.total - before.total == Decimal("0.25")


def test_an_alarm_is_billed_per_metric_it_reads_and_high_resolution_apart() -> None:
    queries = [{"id": i, "metric": {"metricName": i, "period": 10}} for i in ("x", "y")]
    queries.append({"id": "rate", "expression": "x / y"})
    found = month([alarm("math", metricQueries=queries)])
    line = found.lines[0]
    assert (line.quantity, line.price_key) == (
        Decimal(2),
        "aws:cloudwatch.eu-central-2.high_resolution_alarm_metric_month",
    )


def test_the_carrying_stack_gets_the_plan_and_credits_never_beyond_compute() -> None:
    micro = month([project("micro")], usageCarriesTeamPlans=True)
    assert only(micro, "Pro plan").monthly == Decimal("25.00")
    assert only(micro, "compute credits").monthly == Decimal("-10.00")  # Micro: 0.01344 x 744
    medium = month([project("medium")], usageCarriesTeamPlans=True)
    assert only(medium, "compute credits").monthly == Decimal("-10.00")
    assert month([project("micro")]).total == Decimal("10.09")  # compute 10.00 + 1 GB egress
    # Nano in a paid organization is billed as Micro.
    assert only(month([project("nano")]), "compute nano").monthly == Decimal("10.00")


def test_vercel_performance_instances_hold_4_gb_and_regions_share_the_usage() -> None:
    config = {
        "fluid": True,
        "functionDefaultCpuType": "performance",
        "functionDefaultRegions": ["fra1", "arn1"],
    }
    web = Resource(
        "vercel:index/project:Project",
        "compute-web",
        urn("vercel:index/project:Project", "compute-web", "Compute"),
        {"resourceConfig": config},
    )
    found = month([web], usageWebInstanceHours=100)
    memory = [line for line in found.lines if line.what.startswith("provisioned memory")]
    assert [(line.quantity, line.price_key) for line in memory] == [
        (Decimal(200), "vercel:fluid.fra1.memory_gb_hour"),  # 50 hours x 4 GB
        (Decimal(200), "vercel:fluid.arn1.memory_gb_hour"),
    ]


def test_the_redis_budget_caps_its_lines() -> None:
    redis = Resource(
        "upstash:index/redisDatabase:RedisDatabase",
        "cache-redis",
        urn("upstash:index/redisDatabase:RedisDatabase", "cache-redis", "Cache"),
        {"budget": 20},
    )
    assert month([redis], usageRedisCommands=5_000_000).total == Decimal("10.00")
    capped = month([redis], usageRedisCommands=50_000_000)  # $100 of commands
    assert capped.total == Decimal("20.00")
    assert only(capped, "held at the database's budget").monthly == Decimal("-80.00")


def test_a_type_with_no_entry_is_refused_by_name() -> None:
    stray = Resource(
        "aws:ec2/instance:Instance", "box", urn("aws:ec2/instance:Instance", "box"), {}
    )
    with pytest.raises(UnpricedTypeError, match="aws:ec2/instance:Instance"):
        month([stray])


def test_a_missing_usage_setting_is_refused_by_key() -> None:
    found = {key: value for key, value in settings().items() if key != "usageDatabaseEgressGb"}
    with pytest.raises(PricingError, match="usageDatabaseEgressGb"):
        estimate([project()], found, price_book())


def test_a_price_the_pricing_asks_for_must_have_an_entry() -> None:
    with pytest.raises(PriceDataError, match=r"supabase:compute\.huge"):
        month([project("huge")])


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ({"usd": 1, "per": "hour", "read": "2026-12-04"}, "source must be"),
        ({"usd": 1, "per": "hour", "source": "http://x.example", "read": "2026-12-04"}, "https"),
        ({"usd": 1, "per": "hour", "source": "https://x.example", "read": "4.12.26"}, "read"),
        ({"usd": "1", "per": "hour", "source": "https://x.example", "read": "2026-12-04"}, "usd"),
        ({"usd": 1, "per": "hour", "source": "https://x.example", "read": "2026-12-04",
          "block": 0}, "block"),
    ],
)  # fmt: skip
def test_a_malformed_price_file_is_refused(
    tmp_path: Path, entry: dict[str, Any], words: str
) -> None:

    document = {"vendor": "X", "prices": {"thing": entry}, "allowances": {}}
    (tmp_path / "x.json").write_text(json.dumps(document))
    with pytest.raises(PriceDataError, match=words):
        PriceBook.load(tmp_path)


def _with_price(key: str, usd: Decimal) -> PriceBook:
    book = price_book()
    old = book.price(key)
    prices = {**book.prices, key: dataclasses.replace(old, usd=usd, unknown="")}
    return PriceBook(prices, book.allowances)

"""AWS as the program builds it, priced as AWS bills it: the storage classes each bucket holds,
key rotations, and the account's free allowances on the stack that carries them."""

import copy
from decimal import Decimal
from typing import Any

import pytest
from crms_pricing.model import Estimate, Line
from crms_pricing.table import estimate

from crms_infra.cost.plan_costs import plan_cost, plan_resources, price_book
from crms_infra.plan_model import Plan, at
from tests.helpers import inputs_of, plan_of


def lines_of(found: Estimate, name: str) -> list[Line]:
    return [line for line in found.lines if line.name == name]


def with_settings(stack: str, **overrides: Any) -> Estimate:
    plan = plan_of(stack)
    stated = at(plan["outputs"].get("costInputs"), "settings")
    assert isinstance(stated, dict)
    settings = {**stated, **overrides}
    return estimate(plan_resources(plan), settings, price_book())


def test_backups_move_to_glacier_ir_after_30_days_and_the_replica_is_written_ia() -> None:
    found = plan_cost(plan_of("prod")).estimate
    backups = [(line.price_key, line.quantity) for line in lines_of(found, "storage-backups")]
    young = Decimal(1) * 30 / 31  # 1 GB added a month, 30 of 31 days still in Standard
    assert backups == [
        ("aws:s3.eu-central-2.standard_gb_month", young),
        ("aws:s3.eu-central-2.glacier_ir_gb_month", 2 - young),
    ]
    replica = [line.price_key for line in lines_of(found, "storage-backups-replica")]
    assert replica == [
        "aws:s3.eu-central-1.standard_ia_gb_month",
        "aws:s3.eu-central-1.glacier_ir_gb_month",
    ]
    photos_replica = lines_of(found, "storage-photos-replica")
    assert [(line.price_key, line.quantity) for line in photos_replica] == [
        ("aws:s3.eu-central-1.standard_gb_month", Decimal(150))
    ]


def test_a_bucket_in_a_class_without_a_price_is_refused_by_name() -> None:
    plan: Plan = copy.deepcopy(plan_of("prod"))
    replication = next(r for r in plan["resources"] if r["name"] == "storage-backups-replication")
    inputs_of(replication)["rules"][0]["destination"]["storageClass"] = "DEEP_ARCHIVE"
    with pytest.raises(Exception, match="storage-backups-replica: no price for storage class"):
        plan_cost(plan)


@pytest.mark.parametrize(("age", "rotations"), [(0, 0), (364, 0), (365, 1), (730, 2), (5000, 2)])
def test_a_rotating_key_adds_its_first_two_rotations_and_no_more(age: int, rotations: int) -> None:
    found = with_settings("prod", usageKmsKeyAgeDays=age)
    (rotation,) = [line for line in lines_of(found, "storage-key") if "rotated" in line.what]
    assert rotation.quantity == rotations
    assert rotation.monthly == Decimal(rotations)  # $1 a rotated version a month


def test_the_free_allowances_count_on_prod_in_a_shared_account() -> None:
    found = plan_cost(plan_of("prod")).estimate
    alarms = [line for line in found.lines if "alarm on" in line.what]
    assert len(alarms) == 5
    assert all(line.quantity == 0 and line.monthly == 0 for line in alarms)  # 7 of 10 metrics
    (kms,) = [line for line in found.lines if line.what.startswith("KMS requests")]
    assert kms.quantity == 100_000 - 20_000


def test_a_shared_account_gives_the_other_stacks_no_free_allowance() -> None:
    shared = with_settings("dev")
    own_account = with_settings("dev", usageAwsAccountShared=False)
    alarm_lines = [line for line in shared.lines if "alarm on" in line.what]
    assert alarm_lines
    assert all(line.quantity > 0 and line.monthly is None for line in alarm_lines)
    assert all(
        line.monthly == 0 for line in own_account.lines if "alarm on" in line.what
    )  # its own account's free 10
    assert own_account.unknown < shared.unknown


def test_drains_are_billed_by_the_gb_delivered() -> None:
    found = plan_cost(plan_of("prod")).estimate
    drains = [line for line in found.lines if line.component == "Drains"]
    assert [(line.quantity, line.monthly) for line in drains] == [
        (Decimal(2), Decimal("1.00")),
        (Decimal(2), Decimal("1.00")),
    ]


def test_every_estimate_names_its_oldest_price_date() -> None:
    found = plan_cost(plan_of("prod")).estimate
    assert found.oldest_price_date == min(line.read for line in found.lines)
    assert found.oldest_price_date == "2026-12-04"  # the pages read before this branch
    (drains, _) = [line for line in found.lines if line.component == "Drains"]
    assert (drains.read, drains.stated) == ("2026-12-07", "2026-01-07")  # the page's own date

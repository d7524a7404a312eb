"""The policy pack runs in its own environment and cannot import the program, so it keeps
copies of a few of the program's facts (STYLE.md, point 12). Each copy is tied here to
the one source it copies."""

from pathlib import Path
from typing import get_args

from crms_rules import budget, operations, residency, s3

from components.storage import PURPOSE_TAG, Purpose
from crms_infra.cost import plan_costs
from crms_infra.cost.pricing import aws
from stacks import regions
from stacks.alert_rules import AlertKind
from tests.conftest import REPO

PRICING = REPO / "crms_infra" / "cost" / "pricing"
PACKS_PRICING = REPO / "policies" / "crms_rules" / "costing"


def test_the_seed_alarms_are_the_enums_seed_rules() -> None:
    expected = {kind.resource_suffix for kind in AlertKind if kind.from_seed}
    assert len(expected) == 4  # the seed's monitoring/alerts.yml has four rules
    assert set(operations.SEED_ALARMS) == expected


def test_the_region_allow_lists_are_the_settings() -> None:
    assert residency.ZURICH == regions.ZURICH
    assert set(get_args(regions.AwsEuropeanRegion)) == residency.AWS_EUROPEAN
    assert set(get_args(regions.UpstashEuropeanRegion)) == residency.UPSTASH_EUROPEAN
    assert set(get_args(regions.VercelEuropeanRegion)) == residency.VERCEL_EUROPEAN


def test_the_backups_tag_is_the_storages() -> None:
    assert (PURPOSE_TAG, Purpose.BACKUPS.value) == (s3.PURPOSE_TAG, s3.BACKUPS)


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_packs_pricing_is_a_copy_of_the_tools() -> None:
    """The pricing and its price data, byte for byte."""
    assert _files(PRICING), "the pricing package is where this test looks"
    assert _files(PACKS_PRICING) == _files(PRICING), (
        "refresh the copy: rm -r policies/crms_rules/costing && "
        "cp -r crms_infra/cost/pricing policies/crms_rules/costing"
    )


def test_the_pack_reads_the_output_the_tool_reads() -> None:
    assert budget.COST_INPUTS == plan_costs.COST_INPUTS


def test_the_pricing_knows_every_bucket_purpose() -> None:
    assert set(aws.STORED_GB) == {purpose.value for purpose in Purpose}

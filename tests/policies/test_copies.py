"""The policy pack runs in its own environment and cannot import the program, so it keeps
copies of a few of the program's facts (STYLE.md, point 12). Each copy is tied here to
the one source it copies."""

from typing import get_args

from crms_rules import operations, residency, s3

from components.storage import PURPOSE_TAG, Purpose
from stacks import regions
from stacks.alert_rules import AlertKind


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

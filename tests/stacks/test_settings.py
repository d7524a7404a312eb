"""Each stack's settings load, and each constraint refuses a bad value by file and key."""

import enum
import typing
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stacks.alert_rules import AlertKind
from stacks.alert_settings import AlertSettings
from stacks.config_keys import Leaf, leaves, schema_type
from stacks.loader import SettingsError, settings_from_config
from stacks.settings import AppEnvironment, DatabaseSettings, StackSettings
from tests.conftest import REPO, STACKS
from tests.helpers import assert_refused_in_one_line, load, stack_config


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_loads(stack: str) -> None:
    settings = load(stack)
    assert settings.database.region == "eu-central-2"
    assert settings.storage.region == "eu-central-2"


def test_stacks_carry_the_seed_values() -> None:
    dev, staging, prod = (load(stack) for stack in STACKS)
    assert [s.environment for s in (dev, staging, prod)] == list(AppEnvironment)
    assert staging.compute.function_memory_mb == 1024
    assert prod.compute.function_memory_mb == 3008
    assert prod.compute.function_max_duration_seconds == 60
    assert prod.compute.function_regions == ["fra1"]
    assert prod.protect_stateful_resources is True
    rules = prod.alerts
    assert (rules.high_error_rate.threshold, rules.high_error_rate.minutes) == (1, 5)
    assert rules.high_error_rate.recipients == ["oncall@crms.ch"]
    assert (rules.slow_contract_creation.threshold, rules.slow_contract_creation.minutes) == (5, 10)
    assert (rules.low_disk_space.threshold, rules.low_disk_space.minutes) == (80, 15)
    assert rules.low_disk_space.recipients == ["ops@crms.ch"]
    assert rules.payment_failures.recipients == ["finance@crms.ch", "oncall@crms.ch"]
    assert [rule.severity.value for rule in (rules.high_error_rate, rules.payment_failures)] == [
        "critical",
        "critical",
    ]


# (key, bad value, words the message must hold besides the file and key)
BAD_VALUES = [
    ("environment", "qa", "development"),
    ("nodeEnv", "test", "development"),
    ("protectStatefulResources", "maybe", "boolean"),
    ("dataClassification", "public", "confidential"),
    ("databaseRegion", "eu-central-1", "eu-central-2"),
    ("databaseInstanceSize", "huge", "micro"),
    ("databaseOrganizationSlug", "has space", "pattern"),
    ("computeVercelTeam", "Bad_Team", "pattern"),
    ("computeFunctionMemoryMb", 4096, "3009"),
    ("computeFunctionMemoryMb", 64, "128"),
    ("computeFunctionMaxDurationSeconds", 0, "1"),
    ("computeFunctionMaxDurationSeconds", 900, "800"),
    ("computeFunctionRegions", ["iad1"], "fra1"),
    ("computeFunctionRegions", [], "at least 1"),
    ("computeFunctionRegions", ["fra1", "fra1"], "each region once"),
    ("computeFunctionRegions", ["fra1", "cdg1", "dub1", "arn1", "fra1"], "at most 4"),
    ("computeVercelTeam", "a" * 64, "at most 63"),
    ("databaseOrganizationSlug", "a" * 65, "at most 64"),
    ("databaseManagementApi", "http://api.supabase.com", "https://"),
    ("databaseManagementApi", "http://10.0.0.8:8080", "127.0.0.1"),
    ("databaseManagementApi", "https://" + "a" * 200 + ".com", "at most 200"),
    ("databaseManagementApi", "https://api.supabase.com/v1", "pattern"),
    ("storageReplication", "yes", "true or false"),
    ("cacheEviction", "on", "yes, no, on and off are text"),
    ("storageReplicationRegion", "eu-central-2", "must differ"),
    ("cachePrimaryRegion", "us-east-1", "eu-central-1"),
    ("cacheMonthlyBudgetUsd", 0, "1"),
    ("storageRegion", "eu-west-1", "eu-central-2"),
    ("storageNoncurrentVersionDays", 0, "1"),
    ("storageBackupsObjectLockDays", 5000, "3650"),
    ("storageReplicationRegion", "us-east-1", "eu-central-1"),
    ("storageAccessLogRetentionDays", 30, "365"),
    ("alertsHighErrorRateThreshold", "150", "100"),
    ("alertsHighErrorRateMinutes", 0, "1"),
    ("alertsSlowContractCreationThreshold", "-1", "0"),
    ("alertsLowDiskSpaceSeverity", "page", "critical"),
    ("alertsPaymentFailuresRecipients", ["finance.crms.ch"], "email"),
    ("alertsPaymentFailuresRecipients", [], "at least 1"),
    ("alertsPaymentFailuresRecipients", ["oncall@crms.ch"] * 21, "at most 20"),
    ("alertsLowDiskSpaceRecipients", ["a" * 250 + "@crms.ch"], "too long"),
    ("alertsSlowContractCreationRoute", "/api/contracts", "POST"),
    ("alertsDrainSilenceThreshold", 0, "1"),
]


@pytest.mark.parametrize(("key", "value", "allowed"), BAD_VALUES)
def test_bad_value_names_file_key_value_and_what_is_allowed(
    key: str, value: Any, allowed: str
) -> None:
    assert_refused_in_one_line(key, value, allowed)


def test_a_huge_value_is_refused_and_shown_cut_short() -> None:
    with pytest.raises(SettingsError) as caught:
        load("dev", databaseOrganizationSlug="a" * 10_000_000)
    message = str(caught.value)
    assert "crms:databaseOrganizationSlug" in message
    assert "at most 64 characters" in message
    assert "(10,000,002 characters)" in message
    assert len(message) < 400


@pytest.mark.parametrize("url", ["http://127.0.0.1:8123", "http://localhost:9000"])
def test_plain_http_is_allowed_only_for_a_local_test_server(url: str) -> None:
    assert load("dev", databaseManagementApi=url).database.management_api == url


def test_booleans_are_read_as_pulumi_reads_them() -> None:
    """Pulumi accepts a boolean key written true/false, or the text "true"/"false"."""
    config = stack_config("dev")
    config["crms:storageReplication"] = "true"  # `storageReplication: "true"` in the file
    assert settings_from_config(config, "Pulumi.dev.yaml").storage.replication is True


def test_missing_key_is_named() -> None:
    with pytest.raises(SettingsError, match=r"crms:databaseOrganizationSlug is missing"):
        load("dev", databaseOrganizationSlug=None)


def test_unknown_key_is_refused_without_its_value() -> None:
    with pytest.raises(SettingsError) as caught:
        load("dev", computeFunctionMemory=1024, stripeSecretKy="sk_live_4eC39HqLyjWDarjtT1zdp7dc")
    message = str(caught.value)
    assert (
        "Pulumi.dev.yaml: crms:computeFunctionMemory is not a setting of this project; "
        "did you mean crms:computeFunctionMemoryMb?"
    ) in message
    assert "crms:stripeSecretKy is not a setting of this project; did you mean" in message
    assert "sk_live" not in message
    assert "1024" not in message


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SettingsError) as caught:
        load("prod", databaseRegion="us-east-1", computeFunctionMemoryMb=9000)
    assert len(caught.value.problems) == 2


@pytest.mark.parametrize(
    "key",
    [
        "protectStatefulResources",
        "storageBackupsObjectLock",
        "storageReplication",
        "storagePhotosReplication",
        "alertsHighErrorRateEnabled",
        "alertsPaymentFailuresEnabled",
        "alertsDrainSilenceEnabled",
    ],
)
def test_production_always_has(key: str) -> None:
    with pytest.raises(SettingsError, match=rf"Pulumi.prod.yaml: crms:{key} .*must be true"):
        load("prod", **{key: False})


def test_node_env_must_be_production_outside_development() -> None:
    with pytest.raises(SettingsError, match=r"crms:nodeEnv"):
        load("staging", nodeEnv="development")


def test_settings_are_frozen() -> None:
    settings = load("dev")
    with pytest.raises(ValueError, match="frozen"):
        settings.compute.function_memory_mb = 2048  # type: ignore[misc]


@given(st.integers(min_value=128, max_value=3009))
def test_memory_within_vercel_limits_is_accepted(memory: int) -> None:
    assert load("dev", computeFunctionMemoryMb=memory).compute.function_memory_mb == memory


@given(st.integers(max_value=127) | st.integers(min_value=3010))
def test_memory_outside_vercel_limits_is_refused(memory: int) -> None:
    with pytest.raises(SettingsError, match=r"Pulumi.dev.yaml: crms:computeFunctionMemoryMb"):
        load("dev", computeFunctionMemoryMb=memory)


def test_committed_stack_files_hold_no_plaintext_secret() -> None:
    """A secret key may appear only encrypted; the committed files set none at all."""
    for stack in STACKS:
        text = Path(REPO / f"Pulumi.{stack}.yaml").read_text()
        assert "sk_live" not in text
        assert "whsec_" not in text


def _max_length(metadata: list[Any]) -> int | None:
    return next((item.max_length for item in metadata if hasattr(item, "max_length")), None)


def _annotated_metadata(annotation: Any) -> list[Any]:
    metadata: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        for item in extra:
            metadata.extend(getattr(item, "metadata", [item]))
    return metadata


def _closed_set(annotation: Any) -> bool:
    """An enum or Literal: bounded by its members."""
    return typing.get_origin(annotation) is Literal or (
        isinstance(annotation, type) and issubclass(annotation, enum.Enum)
    )


def _bare(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


@pytest.mark.parametrize("leaf", list(leaves(StackSettings)), ids=lambda leaf: leaf.key)
def test_every_text_and_list_setting_has_a_bound(leaf: Leaf) -> None:
    """A key added later must declare its bound too (max_length, or a closed set of values)."""
    annotation = _bare(leaf.field.annotation)
    kind = schema_type(leaf.field.annotation)
    if kind == "array":
        assert _max_length(leaf.field.metadata) is not None, f"{leaf.key}: list without max_length"
        (item,) = typing.get_args(annotation)
        if schema_type(item) == "string" and not _closed_set(_bare(item)):
            assert _max_length(_annotated_metadata(item)) is not None, (
                f"{leaf.key}: items unbounded"
            )
    elif kind == "string" and not _closed_set(annotation) and annotation is not float:
        assert _max_length(leaf.field.metadata) is not None, f"{leaf.key}: text without max_length"
    elif annotation in (int, float):
        bounds = {type(item).__name__ for item in leaf.field.metadata}
        assert bounds & {"Ge", "Gt"}, f"{leaf.key}: number without a lower bound"
        assert bounds & {"Le", "Lt"}, f"{leaf.key}: number without an upper bound"


def test_the_alert_settings_are_one_per_alert_kind() -> None:
    """The settings name a field per AlertKind, by its key; the loader and wiring walk
    the rules through the enum, so a rule missing on either side would go unnoticed."""
    assert list(AlertSettings.model_fields) == [kind.key for kind in AlertKind]
    prod = load("prod")
    assert [kind for kind, _ in prod.alerts.rules()] == list(AlertKind)
    assert prod.alerts.rule(AlertKind.LOW_DISK_SPACE) is prod.alerts.low_disk_space


def test_the_management_api_default_is_the_providers() -> None:
    """The settings' default and the providers' own, for a read by ID, are one URL."""
    from components.supabase.api import DEFAULT_API_URL

    assert DatabaseSettings.model_fields["management_api"].default == DEFAULT_API_URL

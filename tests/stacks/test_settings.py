"""Each stack's settings load, and each constraint refuses a bad value by file and key."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from stacks.loader import SettingsError, settings_from_config
from stacks.settings import AppEnvironment, StackSettings
from tests.conftest import REPO, STACKS


def stack_config(stack: str) -> dict[str, str]:
    """A stack file's config as the engine hands it to the program (strings, JSON)."""
    raw = yaml.safe_load((REPO / f"Pulumi.{stack}.yaml").read_text())["config"]
    return {
        key: value if isinstance(value, str) else json.dumps(value) for key, value in raw.items()
    }


def load(stack: str, **overrides: Any) -> StackSettings:
    config = stack_config(stack)
    for key, value in overrides.items():
        full_key = f"crms:{key}"
        if value is None:
            config.pop(full_key)
        else:
            config[full_key] = value if isinstance(value, str) else json.dumps(value)
    return settings_from_config(config, f"Pulumi.{stack}.yaml")


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
]


@pytest.mark.parametrize(("key", "value", "allowed"), BAD_VALUES)
def test_bad_value_names_file_key_value_and_what_is_allowed(
    key: str, value: Any, allowed: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load("staging", **{key: value})
    message = str(caught.value)
    assert message.startswith(f"Pulumi.staging.yaml: crms:{key}")
    shown = value if isinstance(value, str) else json.dumps(value)
    assert shown.strip('[]"') in message
    assert allowed.lower() in message.lower()


def test_missing_key_is_named() -> None:
    with pytest.raises(SettingsError, match=r"crms:databaseOrganizationSlug is missing"):
        load("dev", databaseOrganizationSlug=None)


def test_unknown_key_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"crms:computeFunctionMemory has the bad value"):
        load("dev", computeFunctionMemory=1024)


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


def test_no_stack_file_holds_a_secret_value() -> None:
    for stack in STACKS:
        text = Path(REPO / f"Pulumi.{stack}.yaml").read_text()
        assert "secure:" not in text

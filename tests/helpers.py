"""The helpers tests share (test modules import from here, never from each other): a
stack's settings, each stack's offline plan (computed once per session) and ways to look
into it, and what an Output is."""

import datetime as dt
import functools
import json
import subprocess
import sys
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import pulumi
import pytest

from crms_infra.offline.engine import Plan, plan_stack
from crms_infra.yaml_file import load_yaml_file
from stacks.loader import SettingsError, settings_from_config
from stacks.secrets import StackSecrets
from stacks.settings import StackSettings
from tests.conftest import REPO

S3 = "aws:s3/"
BACKUP_NOW = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
"""When the backup and restore tests run their backups."""


@functools.cache
def plan_of(stack: str) -> Plan:
    return plan_stack(REPO, stack)


def resources(stack: str, type_: str | None = None) -> list[dict[str, Any]]:
    return [r for r in plan_of(stack)["resources"] if type_ is None or r["type"] == type_]


def by_name(stack: str, type_: str) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in resources(stack, type_)}


def policy_document(resource: dict[str, Any], key: str = "policy") -> dict[str, Any]:
    document = json.loads(resource["inputs"][key])
    assert isinstance(document, dict)
    return document


def config_of(stack: str, kind: str, bucket: str) -> dict[str, Any]:
    """The one configuration resource of `kind` that belongs to `bucket`."""
    matches = [r for r in resources(stack) if r["type"].startswith(S3 + kind)]
    (found,) = [r for r in matches if r["inputs"].get("bucket") == f"{bucket}-mock"]
    inputs: dict[str, Any] = found["inputs"]
    return inputs


def stack_config(stack: str) -> dict[str, str]:
    """A stack file's config as the engine hands it to the program (strings, JSON)."""
    return dict(_stack_file_config(stack))  # a copy: callers change it


@functools.cache
def _stack_file_config(stack: str) -> dict[str, str]:
    # Read once a session: the strict reader costs tens of milliseconds a file, which
    # property tests calling `load` for every example would pay each time.
    raw = load_yaml_file(REPO / f"Pulumi.{stack}.yaml")["config"]
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


def assert_refused_in_one_line(key: str, value: Any, allowed: str) -> None:
    """Staging with `key` set to `value` is refused in one line naming the file, the key,
    the value and what is `allowed`."""
    with pytest.raises(SettingsError) as caught:
        load("staging", **{key: value})
    message = str(caught.value)
    assert message.startswith(f"Pulumi.staging.yaml: crms:{key}")
    assert "\n" not in message, "one problem, one line"
    shown = value if isinstance(value, str) else json.dumps(value)
    assert shown.strip('[]"')[:70] in message
    assert allowed.lower() in message.lower()
    assert len(message) < 500


def program_secrets() -> StackSecrets:
    """The stack's secrets as the program reads them (secret Outputs), with test values."""
    return StackSecrets(
        stripe_secret_key=pulumi.Output.secret("sk_test_0000000000000000"),
        stripe_webhook_secret=pulumi.Output.secret("whsec_00000000000000"),
        resend_api_key=pulumi.Output.secret(TEST_RESEND_KEY),
        sentry_dsn=pulumi.Output.secret("https://0@sentry.invalid/0"),
    )


TEST_RESEND_KEY = "re_Helper1234567890abcdefXYZ"  # shaped like a Resend key, never a real one


def secret_flag(output: pulumi.Output[Any]) -> pulumi.Output[bool]:
    flag: Awaitable[bool] = output.is_secret()
    return pulumi.Output.from_input(flag)


CLI = str(Path(sys.executable).parent / "crms-infra")


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """`crms-infra` as a user runs it, in its own process."""
    return subprocess.run([CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=120)

"""Load and validate one stack's settings from its Pulumi config.

Only `__main__.py` and this package read config. An invalid value stops the
program with one message naming the stack file, the key, the bad value and what
is allowed; `SettingsError` is a `pulumi.RunError`, which the engine reports
without a traceback, and which the offline CLI turns into exit code 2.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from stacks.config_keys import PROJECT, Leaf, config_key, leaves, nest
from stacks.secrets import SECRET_KEYS
from stacks.settings import AppEnvironment, NodeEnvironment, StackSettings


@dataclass(frozen=True)
class Problem:
    """One invalid setting."""

    key: str
    value: Any
    allowed: str

    def render(self, stack_file: str) -> str:
        if self.value is _MISSING:
            return f"{stack_file}: {PROJECT}:{self.key} is missing: {self.allowed}"
        return (
            f"{stack_file}: {PROJECT}:{self.key} has the bad value "
            f"{json.dumps(self.value, default=str)}: {self.allowed}"
        )


class SettingsError(pulumi.RunError):
    """The stack's settings are invalid; the message lists every problem."""

    def __init__(self, stack_file: str, problems: list[Problem]) -> None:
        self.stack_file = stack_file
        self.problems = problems
        super().__init__("\n".join(problem.render(stack_file) for problem in problems))


_MISSING = object()
_LEAVES: dict[str, Leaf] = {leaf.key: leaf for leaf in leaves(StackSettings)}


def stack_file_name(stack: str) -> str:
    return f"Pulumi.{stack}.yaml"


def load_settings() -> StackSettings:
    """The current stack's settings, from the config the engine passed the program."""
    # The SDK offers no way to list config keys; the runtime's config map is how
    # unknown (misspelt) keys can be refused instead of silently ignored.
    config = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return settings_from_config(config, stack_file_name(pulumi.get_stack()))


def settings_from_config(config: Mapping[str, Any], stack_file: str) -> StackSettings:
    """Validate `{"crms:key": raw value}` (as Pulumi passes config) into settings."""
    problems: list[Problem] = []
    values: dict[tuple[str, ...], Any] = {}
    for full_key, raw in sorted(config.items()):
        namespace, _, key = full_key.partition(":")
        if namespace != PROJECT or key in SECRET_KEYS:
            continue
        leaf = _LEAVES.get(key)
        if leaf is None:
            problems.append(Problem(key, raw, "not a setting of this project (see Pulumi.yaml)"))
            continue
        values[leaf.path] = raw if leaf.is_text else _decode(raw)
    try:
        settings = StackSettings.model_validate(nest(values))
    except ValidationError as error:
        problems.extend(_problem_from_error(detail, stack_file) for detail in error.errors())
        raise SettingsError(stack_file, problems) from None
    problems.extend(environment_rules(settings))
    if problems:
        raise SettingsError(stack_file, problems)
    return settings


def environment_rules(settings: StackSettings) -> list[Problem]:
    """Rules across keys: what production always has, and a matching NODE_ENV."""
    problems = []
    if settings.environment is not AppEnvironment.DEVELOPMENT and (
        settings.node_env is not NodeEnvironment.PRODUCTION
    ):
        problems.append(
            Problem("nodeEnv", settings.node_env.value, "must be production outside development")
        )
    if settings.environment is AppEnvironment.PRODUCTION:
        always_in_production = {
            "protectStatefulResources": settings.protect_stateful_resources,
            "storageBackupsObjectLock": settings.storage.backups_object_lock,
            "storageReplication": settings.storage.replication,
            "storagePhotosReplication": settings.storage.photos_replication,
            "alertsHighErrorRateEnabled": settings.alerts.high_error_rate.enabled,
            "alertsSlowContractCreationEnabled": settings.alerts.slow_contract_creation.enabled,
            "alertsLowDiskSpaceEnabled": settings.alerts.low_disk_space.enabled,
            "alertsPaymentFailuresEnabled": settings.alerts.payment_failures.enabled,
        }
        problems.extend(
            Problem(key, value, "must be true in production")
            for key, value in always_in_production.items()
            if value is not True
        )
    return problems


def _decode(raw: Any) -> Any:
    """Pulumi passes non-string config values as JSON text."""
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw  # validation then reports it with the value as written


def _problem_from_error(detail: ErrorDetails, stack_file: str) -> Problem:
    path = tuple(part for part in detail["loc"] if isinstance(part, str))
    indexes = "".join(f"[{part}]" for part in detail["loc"] if isinstance(part, int))
    key = config_key(path) + indexes
    if detail["type"] == "missing":
        return Problem(key, _MISSING, f"set it in {stack_file}")
    allowed = detail["msg"]
    leaf = _LEAVES.get(config_key(path))
    if leaf is not None and leaf.field.description:
        allowed = f"{allowed} ({leaf.field.description})"
    return Problem(key, detail["input"], allowed)

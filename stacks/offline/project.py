"""Read the project and stack files the way the Pulumi CLI does before a run."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from stacks.loader import settings_from_config, stack_file_name
from stacks.settings import StackSettings


class StackNotFoundError(Exception):
    """There is no stack file for the requested stack."""


@dataclass(frozen=True)
class StackConfig:
    """What the engine hands the program: config as strings, and which keys are secret."""

    project: str
    stack: str
    values: dict[str, str]
    secret_keys: frozenset[str]


def find_project_dir(start: Path) -> Path | None:
    """The nearest directory at or above `start` holding a Pulumi.yaml."""
    for directory in (start, *start.parents):
        if (directory / "Pulumi.yaml").is_file():
            return directory
    return None


def stack_names(project_dir: Path) -> list[str]:
    return sorted(path.name[len("Pulumi.") : -len(".yaml")] for path in stack_files(project_dir))


def stack_files(project_dir: Path) -> list[Path]:
    return [path for path in project_dir.glob("Pulumi.*.yaml") if path.name.count(".") == 2]


def read_stack_config(
    project_dir: Path, stack: str, secret_values: dict[str, str] | None = None
) -> StackConfig:
    """The stack's config with the project schema's defaults applied, as `pulumi up` would.

    Secret keys of the schema get `secret_values[key]` or a placeholder: the real
    values are never needed offline, and whatever is used is masked in every output.
    """
    project_file = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
    stack_path = project_dir / stack_file_name(stack)
    if not stack_path.is_file():
        known = ", ".join(stack_names(project_dir)) or "none"
        raise StackNotFoundError(f"no stack file {stack_path.name}; stacks here: {known}")
    stack_file = yaml.safe_load(stack_path.read_text()) or {}
    project = project_file["name"]
    schema: dict[str, dict[str, Any]] = project_file.get("config") or {}
    secret_values = secret_values or {}

    values: dict[str, str] = {}
    secret_keys: set[str] = set()
    for key, declaration in schema.items():
        full_key = key if ":" in key else f"{project}:{key}"
        if declaration.get("secret"):
            values[full_key] = secret_values.get(full_key, f"offline-placeholder-{key}")
            secret_keys.add(full_key)
        elif "default" in declaration:
            values[full_key] = _as_config_string(declaration["default"])
    for full_key, value in (stack_file.get("config") or {}).items():
        if isinstance(value, dict) and "secure" in value:
            # Ciphertext cannot be read offline; treat it like a declared secret.
            values[full_key] = secret_values.get(full_key, "offline-placeholder-secure")
            secret_keys.add(full_key)
        else:
            values[full_key] = _as_config_string(value)
    return StackConfig(project, stack, values, frozenset(secret_keys))


def _as_config_string(value: Any) -> str:
    """The engine hands programs strings; structured and typed values arrive as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def load_stack_settings(project_dir: Path, stack: str) -> StackSettings:
    """A stack's validated settings, read from its files without running the program."""
    config = read_stack_config(project_dir, stack)
    return settings_from_config(config.values, stack_file_name(stack))

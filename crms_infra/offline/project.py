"""Read the project and stack files the way the Pulumi CLI does before a run."""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crms_infra.stack_file.reader import YamlFileError, load_yaml_file
from stacks.escape import printable
from stacks.loader import settings_from_config, stack_file_name
from stacks.settings import StackSettings

# The top-level keys of a stack file (ProjectStack in sdk/go/common/workspace/project.go).
STACK_FILE_KEYS = frozenset(
    {"config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"}
)


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


def path_for_a_stack(argument: str, known: str) -> str | None:
    """What to answer when `argument`, given where a stack name is expected, is a path."""
    shown = printable(argument, 80)
    stack_file = _STACK_FILE.match(argument)
    if stack_file:
        name = printable(stack_file.group(1), 60)
        return f"{shown} is a stack file, not a stack name: give the stack's name, {name}"
    if "/" in argument or argument.endswith((".yaml", ".yml", ".json")):
        return f"{shown} is a path, not a stack name: give one of {known}"
    return None


_STACK_FILE = re.compile(r"^(?:.*/)?Pulumi\.([^/]+)\.yaml$")


def read_stack_config(
    project_dir: Path, stack: str, secret_values: dict[str, str] | None = None
) -> StackConfig:
    """The stack's config with the project schema's defaults applied, as `pulumi up` would.

    Secret keys of the schema that the stack file does not set get `secret_values[key]`
    or a placeholder, and so does every encrypted (`secure:`) value: ciphertext is
    never decrypted offline (no passphrase or secrets provider is needed), never
    shown, and whatever stands in for it is masked in every output. A placeholder names
    its stack and key: two stacks' secrets differ, as the real ones do (the pack compares
    a preview's values with production's).
    """
    project_file = _mapping(load_yaml_file(project_dir / "Pulumi.yaml"), "Pulumi.yaml")
    stack_path = project_dir / stack_file_name(stack)
    if not stack_path.is_file():
        known = ", ".join(stack_names(project_dir)) or "none"
        raise StackNotFoundError(
            path_for_a_stack(stack, known)
            or f"no stack named {printable(stack, 60)} (no {printable(stack_path.name, 80)}); "
            f"stacks here: {known}"
        )
    stack_file = _mapping(load_yaml_file(stack_path), stack_path.name)
    unknown = sorted(set(stack_file) - STACK_FILE_KEYS)
    if unknown:
        raise YamlFileError(
            f"{stack_path.name}: the top-level key {printable(unknown[0], 60)} is not one Pulumi"
            " reads "
            f"({', '.join(sorted(STACK_FILE_KEYS))})"
        )
    project = str(project_file.get("name"))
    schema: dict[str, Any] = _mapping(project_file.get("config"), "Pulumi.yaml's config")
    secret_values = secret_values or {}

    values: dict[str, str] = {}
    secret_keys: set[str] = set()
    for key, declaration in schema.items():
        full_key = key if ":" in key else f"{project}:{key}"
        if isinstance(declaration, dict) and declaration.get("secret"):
            values[full_key] = secret_values.get(full_key, placeholder(stack, full_key))
            secret_keys.add(full_key)
        elif isinstance(declaration, dict) and "default" in declaration:
            values[full_key] = _as_config_string(declaration["default"])
    config = _mapping(stack_file.get("config"), f"{stack_path.name}'s config")
    for key, value in config.items():
        # Pulumi puts a key without a namespace in the project's (workspace/loaders.go).
        key = str(key)
        full_key = key if ":" in key else f"{project}:{key}"
        if is_encrypted(value):
            values[full_key] = secret_values.get(full_key, placeholder(stack, full_key))
            secret_keys.add(full_key)
        else:
            values[full_key] = _as_config_string(value)
            secret_keys.discard(full_key)
    return StackConfig(project, stack, values, frozenset(secret_keys))


def placeholder(stack: str, full_key: str) -> str:
    return f"offline-placeholder-{stack}-{full_key.replace(':', '-')}"


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise YamlFileError(f"{what} must be a mapping of keys to values")
    return value


def is_encrypted(value: Any) -> bool:
    """Whether Pulumi reads the value as a secret: `{secure: <ciphertext>}` at any depth.

    Only a map whose single key is `secure` with a string is one (isSecureValue and
    object.Secure in sdk/go/common/resource/config/object.go).
    """
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("secure"), str):
            return True
        return any(is_encrypted(item) for item in value.values())
    if isinstance(value, list):
        return any(is_encrypted(item) for item in value)
    return False


def _as_config_string(value: Any) -> str:
    """The engine hands programs strings; structured and typed values arrive as JSON.

    A key without a value is an empty string for Pulumi (checkForEmptyConfig in
    workspace/loaders.go).
    """
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def load_stack_settings(project_dir: Path, stack: str) -> StackSettings:
    """A stack's validated settings, read from its files without running the program."""
    config = read_stack_config(project_dir, stack)
    return settings_from_config(config.values, stack_file_name(stack), config.secret_keys)

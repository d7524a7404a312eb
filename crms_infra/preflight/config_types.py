"""The Pulumi CLI's rules for config keys and typed values, as crms_infra/preflight/
cli_config.py applies them (its docstring cites the pulumi/pulumi sources): how a key
parses, what a value of each declared type may be, and how the CLI names the type."""

import re
from collections.abc import Mapping
from typing import Any

_GO_ATOI = re.compile(r"^[+-]?[0-9]+$")


def given(declaration: Mapping[str, Any], attribute: str) -> bool:
    """Whether the declaration gives the attribute: YAML's `null` is Go's nil, as absent."""
    return declaration.get(attribute) is not None


def valid_config_value(type_name: str, items: Any, value: Any) -> bool:
    """`ValidateConfigValue` of sdk/go/common/workspace/project.go."""
    if type_name == "string":
        return isinstance(value, str)
    if type_name == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value == int(value)  # YAML gives floats; a whole number is allowed
        return isinstance(value, str) and bool(_GO_ATOI.match(value))  # strconv.Atoi
    if type_name == "boolean":
        return value in ("true", "false") or isinstance(value, bool)
    if type_name == "object":
        return isinstance(value, dict)
    if not isinstance(value, list) or not isinstance(items, Mapping):
        return False
    return all(
        valid_config_value(str(items.get("type")), items.get("items"), item) for item in value
    )


def value_as_the_cli_reads(value: Any) -> Any:
    """A scalar reaches validation as text (config.Value keeps it as a string); a list or a
    map as its JSON decoding (object values are unmarshalled before the check)."""
    if isinstance(value, list | dict):
        return value
    if value is None:
        return ""  # checkForEmptyConfig in loaders.go: an empty value is ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def full_type_name(type_name: str, items: Any) -> str:
    """`InferFullTypeName`: `array<string>`."""
    if isinstance(items, Mapping):
        return f"array<{full_type_name(str(items.get('type')), items.get('items'))}>"
    return type_name


def parses_as_key(full_key: str) -> bool:
    """`config.ParseKey`: `<namespace>:<name>`, or the old `<namespace>:config:<name>`."""
    parts = full_key.split(":")
    return len(parts) == 2 or (len(parts) == 3 and parts[1] == "config" and all(parts))


def canonical_key(full_key: str) -> str:
    parts = full_key.split(":")
    return f"{parts[0]}:{parts[-1]}"

"""The project's config schema (the `config:` block of Pulumi.yaml), derived from
the settings models so that the schema the engine checks and the model the
program validates cannot drift apart. `tests/stacks/test_schema.py` holds
Pulumi.yaml to it."""

from typing import Any

from stacks.config_keys import item_schema_type, leaves, schema_type
from stacks.secrets import SECRET_KEYS
from stacks.settings import StackSettings


def project_config_schema() -> dict[str, dict[str, Any]]:
    schema: dict[str, dict[str, Any]] = {}
    for leaf in leaves(StackSettings):
        entry: dict[str, Any] = {"type": schema_type(leaf.field.annotation)}
        if entry["type"] == "array":
            entry["items"] = {"type": item_schema_type(leaf.field.annotation)}
        entry["description"] = leaf.field.description or ""
        if leaf.default is not None:
            entry["default"] = leaf.default
        schema[leaf.key] = entry
    for key, description in SECRET_KEYS.items():
        schema[key] = {"type": "string", "description": description, "secret": True}
    return schema

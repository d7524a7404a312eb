"""The project's config schema (the `config:` block of Pulumi.yaml), derived from
the settings models so that the schema the engine checks and the model the
program validates cannot drift apart. `tests/crms_infra/test_schema.py` holds
Pulumi.yaml to it."""

from typing import Any

import yaml

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


def render_project_file(project_file_text: str) -> str:
    """Pulumi.yaml with its `config:` block (the file's last block) derived anew."""
    head, separator, _ = project_file_text.partition("\nconfig:\n")
    if not separator:
        head = project_file_text.rstrip("\n")
    block = yaml.safe_dump({"config": project_config_schema()}, sort_keys=False, width=100)
    return head + "\n" + block

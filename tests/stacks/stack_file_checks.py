"""The checks every stack file must pass: the committed ones, and one set up as docs/deploy.md says.

Plain `crms:` keys: exactly the schema's plain keys, each of its declared type.
Secret `crms:` keys and provider credentials: only encrypted (`{secure: ...}`).
Other keys: only those the providers declare (`vercel:*`, `upstash:*`, `aws:*`).
"""

from pathlib import Path
from typing import Any

from crms_infra.schema import project_config_schema
from crms_infra.stack_file.reader import load_yaml_file
from stacks.provider_config import PROVIDER_KEYS, PROVIDER_SECRET_KEYS

PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "boolean": bool,
    "array": list,
}


def is_encrypted(value: Any) -> bool:
    """`{secure: <ciphertext>}`, the form `pulumi config set --secret` writes."""
    return isinstance(value, dict) and set(value) == {"secure"} and isinstance(value["secure"], str)


def check_stack_file(path: Path) -> dict[str, Any]:
    """Assert the rules above on `path`; return its config for further checks."""
    config: dict[str, Any] = load_yaml_file(path)["config"]
    schema = project_config_schema()
    plain = {key for key, entry in schema.items() if not entry.get("secret")}
    secret = {key for key, entry in schema.items() if entry.get("secret")}
    own = {key.removeprefix("crms:"): value for key, value in config.items() if key[:5] == "crms:"}
    assert set(own) - secret == plain, f"{path.name}: plain keys differ from Pulumi.yaml's"
    for key, value in own.items():
        if key in secret:
            assert is_encrypted(value), f"{path.name}: crms:{key} is not encrypted"
            continue
        declared = schema[key]["type"]
        assert not isinstance(value, bool) or declared == "boolean", (key, declared)
        assert isinstance(value, PYTHON_TYPES[declared]), (key, value, declared)
    for full_key, value in config.items():
        if full_key.startswith("crms:"):
            continue
        namespace, _, key = full_key.partition(":")
        assert key in PROVIDER_KEYS.get(namespace, ()), f"{path.name}: unknown key {full_key}"
        if full_key in PROVIDER_SECRET_KEYS:
            assert is_encrypted(value), f"{path.name}: {full_key} is not encrypted"
    return config

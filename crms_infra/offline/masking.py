"""Turn the engine's wire form of properties into plan JSON, with secrets masked.

Properties arrive as protobuf Structs in which the SDK marks secrets, resource
references, assets and unknowns with signature keys; this is where each becomes
its plan form. Whatever the program marked secret becomes "[secret]".
"""

from typing import Any

from google.protobuf import json_format, struct_pb2

from crms_infra.offline.sdk import (
    ARCHIVE_SIGNATURE,
    ASSET_SIGNATURE,
    OUTPUT_SIGNATURE,
    RESOURCE_SIGNATURE,
    SECRET_SIGNATURE,
    WIRE_SIGNATURE_KEY,
    rpc,
)

SECRET = "[secret]"  # noqa: S105 (the mask, not a password)
UNKNOWN = "[unknown]"
DYNAMIC_PROVIDER = "[dynamic provider]"

_SIG = WIRE_SIGNATURE_KEY
_SECRET_SIG = SECRET_SIGNATURE
_RESOURCE_SIG = RESOURCE_SIGNATURE
_ASSET_SIG = ASSET_SIGNATURE
_ARCHIVE_SIG = ARCHIVE_SIGNATURE
_OUTPUT_SIG = OUTPUT_SIGNATURE


def struct_to_plan(struct: struct_pb2.Struct) -> dict[str, Any]:
    properties = json_format.MessageToDict(struct)
    if "__provider" in properties:
        properties["__provider"] = DYNAMIC_PROVIDER
    masked = mask(properties)
    assert isinstance(masked, dict)
    return masked


def mask(value: Any) -> Any:
    if isinstance(value, dict):
        signature = value.get(_SIG)
        if signature == _SECRET_SIG:
            return SECRET
        if signature == _RESOURCE_SIG:
            return value.get("urn")
        if signature in (_ASSET_SIG, _ARCHIVE_SIG):
            kind = "asset" if signature == _ASSET_SIG else "archive"
            source = value.get("path") or value.get("uri") or value.get("hash") or "inline"
            return f"[{kind} {source}]"
        if signature == _OUTPUT_SIG:
            if value.get("secret"):
                return SECRET
            return mask(value["value"]) if "value" in value else UNKNOWN
        return {key: mask(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask(item) for item in value]
    if value == rpc.UNKNOWN:
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return int(value)  # Struct numbers are doubles; 1024.0 reads better as 1024
    return value


def scrub(value: Any, secrets: frozenset[str]) -> Any:
    """Second line of defence: replace any known secret value that escaped its marking."""
    if isinstance(value, dict):
        return {key: scrub(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, secrets) for item in value]
    if isinstance(value, str):
        for secret in secrets:
            if secret and secret in value:
                value = value.replace(secret, SECRET)
    return value

"""What the CLI's --policy-pack-config gives each of a pack's policies, as the engine
reconciles it: the stack's policy config file against the pack's own defaults and schemas."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from google.protobuf import json_format, struct_pb2
from jsonschema import Draft7Validator

from crms_infra.offline.sdk import analyzer_pb2
from crms_infra.plan_model import Level
from crms_infra.policy_config import PolicyConfigError, read_policy_config, unknown_policies

LEVELS: dict[analyzer_pb2.EnforcementLevel.ValueType, Level] = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.DISABLED: "disabled",
    analyzer_pb2.REMEDIATE: "remediate",
}
LEVEL_CODES: dict[str, analyzer_pb2.EnforcementLevel.ValueType] = {
    name: code for code, name in LEVELS.items()
}


class PolicyPackError(Exception):
    """The pack did not start or answer, or its config is not valid."""


def policy_config(
    pack_dir: Path, stack: str, policies: Sequence[analyzer_pb2.PolicyInfo]
) -> dict[str, analyzer_pb2.PolicyConfig]:
    """What the CLI's --policy-pack-config gives each of the pack's policies: its level and
    arguments, reconciled with the pack's defaults and checked against its config schema."""
    try:
        config = read_policy_config(pack_dir, stack)
    except PolicyConfigError as error:
        raise PolicyPackError(str(error)) from None
    schemas = {info.name: json_format.MessageToDict(info.configSchema) for info in policies}
    defaults = [
        (
            info.name,
            LEVELS.get(info.enforcementLevel, "mandatory"),
            _schema_defaults(info.name, schemas),
        )
        for info in policies
    ]
    unknown = unknown_policies(config, schemas)
    if unknown:
        raise PolicyPackError("; ".join(unknown)[:500])
    reconciled = config.reconciled(defaults)
    problems = [
        f"{name}: {problem}"
        for name, (_, arguments) in sorted(reconciled.items())
        for problem in _schema_problems(schemas[name], arguments)
    ]
    if problems:
        raise PolicyPackError(f"{config.source}: {'; '.join(problems)[:500]}")
    protos = {}
    for name, (level, arguments) in reconciled.items():
        properties = struct_pb2.Struct()
        properties.update(arguments)
        protos[name] = analyzer_pb2.PolicyConfig(
            enforcementLevel=LEVEL_CODES[level], properties=properties
        )
    return protos


def _schema_defaults(name: str, schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    properties = schemas[name].get("properties", {})
    return {key: value["default"] for key, value in properties.items() if "default" in value}


def _schema_problems(schema: dict[str, Any], arguments: dict[str, Any]) -> list[str]:
    """As the CLI's validatePolicyConfig: the arguments against {"type": "object", ...}."""
    whole = {"type": "object", **schema}
    validator = Draft7Validator(whole, format_checker=Draft7Validator.FORMAT_CHECKER)
    return sorted(
        f"{'.'.join(map(str, error.path)) or 'arguments'}: {error.message[:120]}"
        for error in validator.iter_errors(arguments)
    )

"""A stack's policy config, `policies/config.<stack>.json`, read in one place.

The offline engine hands it to the pack, the residency report says which rules a stack
switches off or exempts, and the tests judge each rule with it; all three read it here,
the way the Pulumi CLI reads `--policy-pack-config` (pulumi/pulumi,
`pkg/resource/analyzer/config.go`: `parsePolicyPackConfig`, `ReconcilePolicyPackConfig`,
`applyConfig`):
- an empty file, or JSON `null` (which Go's json.Unmarshal leaves as a nil map, no error),
  is no config;
- a top-level `"environments"` is not a policy: an array of strings naming the Pulumi ESC
  environments the config draws on (`LoadPolicyPackConfigAndEnvironmentsFromFile`); kept
  here, though their values cannot be read offline;
- `"<policy>": "<level>"` sets a policy's enforcement level;
- `"<policy>": {"enforcementLevel": "<level>", ...}`: the level is optional, every other
  key is one of the policy's arguments (its config properties);
- `"all"` (either form) sets the level of every policy first; a policy's own entry then
  overrides it;
- the levels are `advisory`, `mandatory`, `remediate` and `disabled`
  (`apitype.EnforcementLevel`); any other level, or a value that is neither a string nor
  an object, is an error;
- a policy's arguments start from the defaults of its config schema, then the file's.
The pack itself runs in its own process and gets the result through the engine. The pinned
CLI's own cases (`pkg/resource/analyzer/config_test.go`, commit 1b5949891b3c) are tests in
tests/crms_infra/test_policy_config.py.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import JsonValue

from crms_infra.plan_model import items

LEVELS = ("advisory", "mandatory", "remediate", "disabled")
ALL = "all"
ENVIRONMENTS = "environments"
DEFAULT_LEVEL = "mandatory"
"""The pack's own default (policies/__main__.py: EnforcementLevel.MANDATORY)."""


class PolicyConfigError(ValueError):
    """A policy config file the Pulumi CLI would refuse; one sentence naming file and key."""


@dataclass(frozen=True)
class Exemption:
    rule: str
    urn: str
    reason: str
    expires: str


@dataclass(frozen=True)
class PolicyConfig:
    """The levels and arguments a stack's file sets, by policy name (`all` included)."""

    source: str = "no policy config"
    levels: Mapping[str, str] = field(default_factory=dict)
    arguments: Mapping[str, Mapping[str, JsonValue]] = field(default_factory=dict)
    environments: tuple[str, ...] = ()
    """The ESC environments the file names (`"environments"`)."""

    def level(self, policy: str, default: str = DEFAULT_LEVEL) -> str:
        """The policy's level: its own entry, else `all`, else the pack's default."""
        return self.levels.get(policy) or self.levels.get(ALL) or default

    def is_disabled(self, policy: str, default: str = DEFAULT_LEVEL) -> bool:
        return self.level(policy, default) == "disabled"

    def arguments_of(
        self, policy: str, defaults: Mapping[str, JsonValue] | None = None
    ) -> dict[str, JsonValue]:
        """The policy's arguments: its schema's defaults, then the file's."""
        return {**(defaults or {}), **self.arguments.get(policy, {})}

    def exemptions(self) -> list[Exemption]:
        return [
            Exemption(
                policy,
                str(entry.get("urn", "")),
                str(entry.get("reason", "")),
                str(entry.get("expires", "")),
            )
            for policy, arguments in sorted(self.arguments.items())
            for entry in items(arguments.get("exemptions"))
            if isinstance(entry, dict)
        ]

    def reconciled(
        self, policies: Iterable[tuple[str, str, Mapping[str, JsonValue]]]
    ) -> dict[str, tuple[str, dict[str, JsonValue]]]:
        """What the CLI sends the pack: for each (name, default level, schema defaults) of
        the pack's policies, its level and arguments (ReconcilePolicyPackConfig)."""
        return {
            name: (self.level(name, default), self.arguments_of(name, defaults))
            for name, default, defaults in policies
        }


def read_policy_config(pack_dir: Path, stack: str) -> PolicyConfig:
    """`<pack_dir>/config.<stack>.json`; no file is no config."""
    path = pack_dir / f"config.{stack}.json"
    if not path.is_file():
        return PolicyConfig()
    return parse_policy_config(path.read_text(), path.name)


def parse_policy_config(text: str, source: str) -> PolicyConfig:
    if not text.strip():
        return PolicyConfig(source)
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise PolicyConfigError(f"{source} is not valid JSON: {error}") from None
    if raw is None:
        return PolicyConfig(source)
    if not isinstance(raw, dict):
        raise PolicyConfigError(f"{source} must hold a JSON object of policy names")
    environments = _environments(raw.pop(ENVIRONMENTS, []), source)
    levels: dict[str, str] = {}
    arguments: dict[str, dict[str, JsonValue]] = {}
    for policy, value in raw.items():
        if isinstance(value, str):
            levels[policy] = _level(value, source, policy)
        elif isinstance(value, dict):
            given = dict(value)
            if "enforcementLevel" in given:
                levels[policy] = _level(given.pop("enforcementLevel"), source, policy)
            if given:
                arguments[policy] = given
        else:
            raise PolicyConfigError(
                f"{source}: {policy}: {json.dumps(value)[:40]} is neither an enforcement level "
                "nor an object of arguments"
            )
    return PolicyConfig(source, levels, arguments, environments)


def _environments(value: JsonValue, source: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        shown = json.dumps(value)[:40]
        raise PolicyConfigError(
            f"{source}: {ENVIRONMENTS}: {shown} is not an array of ESC environment names"
        )
    return tuple(str(name) for name in value)


def _level(value: object, source: str, policy: str) -> str:
    if value not in LEVELS:
        shown = json.dumps(value)[:40]
        raise PolicyConfigError(
            f"{source}: {policy}: {shown} is not an enforcement level ({', '.join(LEVELS)})"
        )
    return str(value)

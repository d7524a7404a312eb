"""Load and validate one stack's settings from its Pulumi config.

Only `__main__.py` and this package read config. An invalid value stops the
program with one message naming the stack file, the key, the bad value and what
is allowed; `SettingsError` is a `pulumi.RunError`, which the engine reports
without a traceback, and which the offline CLI turns into exit code 2.
"""

import difflib
import json
from collections.abc import Collection, Mapping
from typing import Annotated, Any

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from stacks.config_keys import PROJECT, Leaf, config_key, leaves, nest, schema_type
from stacks.environment_rules import environment_rules
from stacks.problems import HIDDEN, MISSING, Problem
from stacks.problems import SettingsError as SettingsError
from stacks.provider_config import PROVIDER_KEYS, PROVIDER_SECRET_KEYS, vercel_team_problem
from stacks.secrets import SECRET_KEYS
from stacks.settings import StackSettings

_LEAVES: dict[str, Leaf] = {leaf.key: leaf for leaf in leaves(StackSettings)}


def stack_file_name(stack: str) -> str:
    return f"Pulumi.{stack}.yaml"


def outside_the_engine() -> str | None:
    """The one line to stop with when the program is run as a script (`python __main__.py`)
    rather than by the engine: the runtime then keeps the SDK's own defaults for project and
    stack (`SETTINGS` in pulumi/runtime/settings.py), which no engine run has."""
    if (pulumi.get_project(), pulumi.get_stack()) != ("project", "stack"):
        return None
    return (
        "__main__.py is the Pulumi program: `pulumi preview` and `pulumi up` run it; to plan "
        "a stack offline, run `make plan STACK=<stack>`"
    )


def _stack_of(stack_file: str) -> str | None:
    if stack_file.startswith("Pulumi.") and stack_file.endswith(".yaml"):
        return stack_file[len("Pulumi.") : -len(".yaml")]
    return None


def load_settings() -> StackSettings:
    """The current stack's settings, from the config the engine passed the program."""
    # The SDK offers no way to list config keys; the runtime's config map is how
    # unknown (misspelt) keys can be refused instead of silently ignored.
    config = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    # Which keys are encrypted in the stack file: the language host passes them in
    # PULUMI_CONFIG_SECRET_KEYS (sdk/python/cmd/pulumi-language-python/main.go), the
    # offline engine through set_all_config.
    secret_keys = set(runtime_config.get_config_secret_keys_env())
    secret_keys.update(key for key in config if runtime_config.is_config_secret(key))
    return settings_from_config(config, stack_file_name(pulumi.get_stack()), secret_keys)


def settings_from_config(
    config: Mapping[str, Any], stack_file: str, secret_keys: Collection[str] = frozenset()
) -> StackSettings:
    """Validate `{"crms:key": raw value}` (as Pulumi passes config) into settings.

    `secret_keys` are the keys whose stack-file value is encrypted (`secure:`).
    """
    problems: list[Problem] = []
    values: dict[tuple[str, ...], Any] = {}
    refused: set[str] = set()  # reported here already, so not again as missing
    for full_key, raw in sorted(config.items()):
        namespace, _, key = full_key.partition(":")
        is_secure = full_key in secret_keys
        if namespace != PROJECT:
            problems.extend(_provider_key_problems(namespace, key, is_secure))
        elif key in SECRET_KEYS:
            if not is_secure:
                problems.append(Problem(key, HIDDEN, _ENCRYPT_IT.format(key=key)))
        elif (leaf := _LEAVES.get(key)) is None:
            # The value is not shown: a misspelt key may well hold a secret.
            close = difflib.get_close_matches(key, [*_LEAVES, *SECRET_KEYS], n=1)
            hint = f"; did you mean {PROJECT}:{close[0]}?" if close else " (see Pulumi.yaml)"
            problems.append(Problem(key, HIDDEN, f"is not a setting of this project{hint}"))
        elif is_secure:
            problems.append(Problem(key, HIDDEN, _SECURE_PLAIN_SETTING.format(key=key)))
        else:
            value = raw if leaf.is_text else _decode(raw)
            if _is_not_boolean(leaf, value):
                problems.append(Problem(key, raw, _NOT_A_BOOLEAN))
                refused.add(key)
                continue
            values[leaf.path] = value
    try:
        settings = StackSettings.model_validate(nest(values))
    except ValidationError as error:
        found = (_problem_from_error(detail, stack_file) for detail in error.errors())
        problems.extend(problem for problem in found if problem.key not in refused)
        raise SettingsError(stack_file, problems) from None
    problems.extend(environment_rules(settings, _stack_of(stack_file)))
    team = config.get("vercel:team")
    if (allowed := vercel_team_problem(team, settings.compute.vercel_team)) is not None:
        problems.append(Problem("team", team, allowed, "vercel"))
    if problems:
        raise SettingsError(stack_file, problems)
    return settings


_ENCRYPT_IT = (
    "holds a plain value (not shown), but it is a secret: set it with "
    "`pulumi config set --secret {key} <value>`, which stores it encrypted"
)
# Pulumi itself refuses it too: "must be encrypted as it's secret" (pkg/workspace/config.go).
_SECURE_PLAIN_SETTING = (
    "is encrypted, but it is a plain setting that the offline plan must read: "
    "set it with `pulumi config set {key} <value>`, without --secret"
)
# Pulumi's boolean config type takes a YAML boolean or the text "true"/"false"
# (ValidateConfigValue in sdk/go/common/workspace/project.go).
_NOT_A_BOOLEAN = (
    "must be true or false: Pulumi reads YAML 1.2, where yes, no, on and off are text, "
    "and accepts only true and false for a boolean key"
)


def _provider_key_problems(namespace: str, key: str, is_secure: bool) -> list[Problem]:
    """A provider's key must be one it declares, and a credential must be encrypted."""
    known = PROVIDER_KEYS.get(namespace)
    if known is None:
        namespaces = ", ".join([PROJECT, *PROVIDER_KEYS])
        allowed = f"is in none of the namespaces a stack file here may use ({namespaces})"
        return [Problem(key, HIDDEN, allowed, namespace)]
    if key not in known:
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"; did you mean {namespace}:{close[0]}?" if close else ""
        allowed = f"is not a config key of the {namespace} provider{hint}"
        return [Problem(key, HIDDEN, allowed, namespace)]
    if f"{namespace}:{key}" in PROVIDER_SECRET_KEYS and not is_secure:
        return [Problem(key, HIDDEN, _ENCRYPT_IT.format(key=f"{namespace}:{key}"), namespace)]
    return []


def value_problems(key: str, value: Any) -> list[Problem]:
    """`value` checked alone by the rules of the setting `key`, as a stack file's value is
    (a saved plan's cost inputs are: crms_infra/cost/saved_inputs.py); [] when valid."""
    leaf = _LEAVES[key]
    if _is_not_boolean(leaf, value):
        return [Problem(key, value, _NOT_A_BOOLEAN)]
    field: Any = Annotated[leaf.field.annotation, leaf.field]  # its type and its bounds
    try:
        TypeAdapter(field).validate_python(value)
    except ValidationError as error:
        return [_problem_from_error(detail, "", leaf.path) for detail in error.errors()]
    return []


def _is_not_boolean(leaf: Leaf, value: Any) -> bool:
    return schema_type(leaf.field.annotation) == "boolean" and not isinstance(value, bool)


def _decode(raw: Any) -> Any:
    """Pulumi passes non-string config values as JSON text."""
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw  # validation then reports it with the value as written


def _problem_from_error(
    detail: ErrorDetails, stack_file: str, within: tuple[str, ...] = ()
) -> Problem:
    path = within + tuple(part for part in detail["loc"] if isinstance(part, str))
    indexes = "".join(f"[{part}]" for part in detail["loc"] if isinstance(part, int))
    key = config_key(path) + indexes
    if detail["type"] == "missing":
        return Problem(key, MISSING, f"set it in {stack_file}")
    allowed = detail["msg"].removeprefix("Value error, ")  # pydantic's prefix for our own
    leaf = _LEAVES.get(config_key(path))
    if leaf is not None and leaf.field.description:
        allowed = f"{allowed} ({leaf.field.description})"
    return Problem(key, detail["input"], allowed)

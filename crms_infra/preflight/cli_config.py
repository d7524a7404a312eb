"""The Pulumi CLI's validation of a stack file against the project's `config:` schema.

Re-implemented from pulumi/pulumi (commit 1b5949891b3c, the CLI 3.26x sources; the checks
moved from sdk/go/common/workspace to pkg/workspace in 2026, unchanged):
- pkg/workspace/config.go, `ValidateStackConfigAndApplyProjectConfig` -> `mergeConfig`: a key
  of the project's namespace declared with neither `default` nor `value` and absent from the
  stack file stops every preview and update with "Stack '<stack>' is missing configuration
  value '<key>'" (test `TestStackConfigErrorsWhenMissingTwoStackValueForConfigTypeWithNoDefault`
  in pkg/workspace/config_project_test.go); nothing else is consulted, the environment
  included. A default is applied as a *plain* value, so a `secret: true` key with a default
  fails the next check whenever the stack file does not set it.
- the same file, `validateStackConfigValues` -> `validateStackConfigValue`, for explicitly
  typed keys only (`IsExplicitlyTyped`: a `type` is given): a `secret: true` key whose
  value is not `secure:` -> "Stack '<stack>' with configuration key '<key>' must be
  encrypted as it's secret" (`TestStackConfigSecretIsCorrectlyValidated`); a value that
  fails `ValidateConfigValue` -> "... must be of type '<type>'". An untyped key's value,
  `secret: true` or not, is taken as written (`TestUntypedProjectConfigValuesAreNotValidated`).
- YAML's `null` for `type`, `default`, `value` or `items` is Go's nil: not given.
- sdk/go/common/workspace/project.go, `ValidateConfigValue` (the types) and `Project.Validate`
  (the schema itself); sdk/go/common/resource/config/key.go, `ParseKey` (a key is
  `<namespace>:<name>` or `<namespace>:config:<name>`); sdk/go/common/workspace/loaders.go,
  `stackConfigNamespacedWithProject` (a key without a namespace is the project's).
- sdk/go/common/resource/config/value.go: a stack file's scalar reaches the checks as text
  (`true`, `8`), a list or map as its JSON decoding.
The CLI stops at the first problem; this lists them all. Encrypted values are not decrypted
offline, so their types are not checked (the CLI checks them after decrypting).
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crms_infra.offline.project import is_encrypted
from crms_infra.preflight.config_types import (
    canonical_key,
    full_type_name,
    given,
    parses_as_key,
    valid_config_value,
    value_as_the_cli_reads,
)
from crms_infra.preflight.findings import Finding
from crms_infra.stack_file.reader import load_yaml_file
from stacks.loader import stack_file_name

RULE = "cli-config"
_PROJECT_FILE = "Pulumi.yaml"


@dataclass(frozen=True)
class _Files:
    """Pulumi.yaml's schema and a stack file's values, keyed as the CLI keys them."""

    project: str
    schema: Mapping[str, Any]
    values: dict[str, Any]
    stack_file: Mapping[str, Any]
    unparsed_keys: list[str]

    @classmethod
    def read(cls, project_dir: Path, stack: str) -> "_Files":
        project = load_yaml_file(project_dir / _PROJECT_FILE) or {}
        stack_file = load_yaml_file(project_dir / stack_file_name(stack)) or {}
        name = str(project.get("name"))
        values: dict[str, Any] = {}
        unparsed = []
        for raw_key, value in (stack_file.get("config") or {}).items():
            key = str(raw_key)
            full_key = key if ":" in key else f"{name}:{key}"
            if parses_as_key(full_key):
                values[canonical_key(full_key)] = value
            else:
                unparsed.append(key)
        return cls(name, project.get("config") or {}, values, stack_file, unparsed)

    def own_declarations(self) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """(full key, declaration) of each key the schema declares in the project's namespace."""
        for key, declaration in sorted(self.schema.items()):
            full_key = key if ":" in key else f"{self.project}:{key}"
            if isinstance(declaration, Mapping) and full_key.partition(":")[0] == self.project:
                yield full_key, declaration


def cli_config_findings(project_dir: Path, stack: str) -> list[Finding]:
    """Everything the CLI's config validation refuses in `Pulumi.<stack>.yaml`."""
    files = _Files.read(project_dir, stack)
    where = stack_file_name(stack)
    findings = list(_schema_findings(files.project, files.schema))
    if findings:
        return findings  # the CLI does not load a project whose schema it refuses
    findings.extend(
        Finding(
            RULE, where, key,
            f"the Pulumi CLI stops: could not parse {key} as a configuration key",
            "write it as <namespace>:<name>, e.g. crms:databaseRegion",
        )
        for key in files.unparsed_keys
    )  # fmt: skip
    if files.stack_file.get("environment"):
        findings.append(
            Finding(
                RULE, where, "environment",
                "imports Pulumi ESC environments, whose values preflight cannot read offline",
                "keep this project's config in the stack file, as docs/deploy.md's steps do",
            )
        )  # fmt: skip
    for full_key, declaration in files.own_declarations():
        value = files.values.get(full_key, _UNSET)
        findings.extend(_value_findings(stack, full_key, declaration, value))
    return findings


def unset_secret_keys(project_dir: Path, stack: str) -> list[str]:
    """The project's `secret: true` keys that the stack file leaves unset (the offline plan
    stands placeholders in for them); the CLI refuses each that is typed or has no default."""
    files = _Files.read(project_dir, stack)
    return [
        full_key
        for full_key, declaration in files.own_declarations()
        if declaration.get("secret") and full_key not in files.values
    ]


_UNSET = object()


def _value_findings(
    stack: str, full_key: str, declaration: Mapping[str, Any], value: Any
) -> Iterator[Finding]:
    where = stack_file_name(stack)
    key = full_key.partition(":")[2]  # the CLI's messages name the key as Pulumi.yaml does
    secret = bool(declaration.get("secret"))
    typed = given(declaration, "type")  # IsExplicitlyTyped: only these are validated
    if value is _UNSET:
        if given(declaration, "default") or given(declaration, "value"):
            if not (secret and typed):
                return
            # mergeConfig sets the default as a plain value, which validation then refuses.
            value = declaration.get("default", declaration.get("value"))
        else:
            what = "a secret" if secret else "a value"
            flag = "--secret " if secret else ""
            yield Finding(
                RULE, where, full_key,
                f"{what} the Pulumi CLI requires is not set (\"Stack '{stack}' is missing "
                f"configuration value '{key}'\", whatever the environment holds)",
                f"pulumi config set {flag}{key} <value> --stack {stack}",
            )  # fmt: skip
            return
    if not typed:
        return  # validateStackConfigValues: an untyped key's value, secret or not, is taken
    if secret and not is_encrypted(value):
        yield Finding(
            RULE, where, full_key,
            f"the Pulumi CLI stops: \"Stack '{stack}' with configuration key '{key}' must be "
            "encrypted as it's secret\"",
            f"pulumi config set --secret {key} <value> --stack {stack}",
        )  # fmt: skip
        return
    type_name = declaration["type"]
    if is_encrypted(value):
        return
    items = declaration.get("items")
    if not valid_config_value(str(type_name), items, value_as_the_cli_reads(value)):
        full_type = full_type_name(str(type_name), items)
        yield Finding(
            RULE, where, full_key,
            f"the Pulumi CLI stops: \"Stack '{stack}' with configuration key '{key}' must be "
            f"of type '{full_type}'\"",
            f"set a value of type {full_type}"
            + (" (true or false)" if full_type == "boolean" else ""),
        )  # fmt: skip


def _schema_findings(project_name: str, schema: Mapping[str, Any]) -> Iterator[Finding]:
    """`Project.Validate`: what the CLI refuses in Pulumi.yaml's `config:` block itself."""
    for key, declaration in sorted(schema.items()):
        if not isinstance(declaration, Mapping):
            continue  # a shorthand value (`key: value`), which the CLI accepts
        own = ":" not in key or key.startswith(f"{project_name}:")
        typed, has_default = given(declaration, "type"), given(declaration, "default")
        problem = None
        if has_default and given(declaration, "value"):
            problem = "has both a 'default' and a 'value' attribute"
        elif own and declaration.get("type") == "array" and not given(declaration, "items"):
            problem = "declares an array but not the type of its items ('items')"
        elif own and typed and has_default:
            type_name, items = str(declaration["type"]), declaration.get("items")
            if not valid_config_value(type_name, items, declaration["default"]):
                problem = f"has a default that is not of type '{full_type_name(type_name, items)}'"
        elif not own and (typed or has_default):
            problem = "is in another namespace, where only a 'value' is allowed"
        elif not own and not given(declaration, "value"):
            problem = "is in another namespace and gives no 'value'"
        if problem is not None:
            yield Finding(
                RULE, _PROJECT_FILE, key, f"the Pulumi CLI refuses the project: {problem}",
                "run `crms-infra schema`, which writes the config block from the settings",
            )  # fmt: skip

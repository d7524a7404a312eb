"""The Pulumi CLI's config validation, offline: the cases of pulumi/pulumi's own tests
(pkg/workspace/config_project_test.go), and this project's files."""

from pathlib import Path

import pytest

from crms_infra.preflight.cli_config import cli_config_findings, unset_secret_keys
from crms_infra.preflight.config_types import valid_config_value
from crms_infra.stack_file.reader import load_yaml_file
from tests.conftest import REPO, STACKS

PROJECT = """\
name: test
runtime: python
config:
  another:
    type: string
  values:
    type: array
    items:
      type: string
  importantNumber:
    type: integer
    secret: true
  flag:
    type: boolean
    default: true
  token:
    type: string
    secret: true
    default: ""
"""
SET_ALL = """\
config:
  another: text
  test:values: [a, b]
  test:importantNumber:
    secure: v1:AAAA:BBBB
  test:token:
    secure: v1:CCCC:DDDD
"""


def problems(tmp_path: Path, stack_text: str, project_text: str = PROJECT) -> dict[str, str]:
    (tmp_path / "Pulumi.yaml").write_text(project_text)
    (tmp_path / "Pulumi.dev.yaml").write_text(stack_text)
    return {f.subject: f.problem for f in cli_config_findings(tmp_path, "dev")}


def test_a_stack_file_that_sets_everything_passes(tmp_path: Path) -> None:
    assert problems(tmp_path, SET_ALL) == {}


def test_every_missing_key_without_default_is_named_as_the_cli_names_it(tmp_path: Path) -> None:
    found = problems(tmp_path, "config: {}\n")
    # TestStackConfigErrorsWhenMissingTwoStackValueForConfigTypeWithNoDefault
    assert "\"Stack 'dev' is missing configuration value 'another'\"" in found["test:another"]
    assert "'values'" in found["test:values"]
    assert found["test:importantNumber"].startswith("a secret the Pulumi CLI requires")
    assert "test:flag" not in found  # its default applies


def test_a_secret_key_with_a_default_still_needs_an_encrypted_value(tmp_path: Path) -> None:
    # mergeConfig applies the default as a plain value; validateStackConfigValue refuses it.
    found = problems(tmp_path, SET_ALL.replace("  test:token:\n    secure: v1:CCCC:DDDD\n", ""))
    assert found == {
        "test:token": "the Pulumi CLI stops: \"Stack 'dev' with configuration key 'token' "
        "must be encrypted as it's secret\""
    }


def test_a_secret_written_in_plain_is_refused(tmp_path: Path) -> None:
    # TestStackConfigSecretIsCorrectlyValidated
    text = SET_ALL.replace("  test:importantNumber:\n    secure: v1:AAAA:BBBB\n", "")
    found = problems(tmp_path, text + "  test:importantNumber: 20\n")
    assert list(found) == ["test:importantNumber"]
    assert "must be encrypted as it's secret" in found["test:importantNumber"]


@pytest.mark.parametrize(
    ("line", "type_name"),
    [
        ("  test:values: someValue\n", "array<string>"),  # TestStackConfigErrorsWhenStack...
        ("  test:values: [a, 3]\n", "array<string>"),
        ("  flag: yes\n", "boolean"),  # YAML 1.2 text; only true/false are booleans
        ("  flag: 1\n", "boolean"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(tmp_path: Path, line: str, type_name: str) -> None:
    text = SET_ALL.replace("  test:values: [a, b]\n", "") if "values" in line else SET_ALL
    found = problems(tmp_path, text + line)
    (key,) = found
    assert found[key].endswith(f"must be of type '{type_name}'\"")


@pytest.mark.parametrize(
    ("type_name", "value", "valid"),
    [
        ("integer", "20", True),  # strconv.Atoi
        ("integer", "+7", True),
        ("integer", "hello", False),  # TestStackConfigIntegerTypeIsCorrectlyValidated
        ("integer", "1.5", False),
        ("integer", " 7", False),
        ("integer", 3.0, True),  # a whole float, as YAML numbers reach Go
        ("integer", True, False),
        ("boolean", "true", True),
        ("boolean", "True", False),
        ("string", "8", True),  # a scalar reaches the check as text
        ("string", ["a"], False),
        ("object", {"a": 1}, True),
    ],
)
def test_value_types_follow_validate_config_value(
    type_name: str, value: object, valid: bool
) -> None:
    assert valid_config_value(type_name, None, value) is valid


def test_keys_take_the_projects_namespace_and_must_parse(tmp_path: Path) -> None:
    text = SET_ALL + "  aws:region: eu-central-2\n  test:config:extra: 1\n  a:b:c: 1\n"
    found = problems(tmp_path, text)
    assert list(found) == ["a:b:c"]  # an undeclared key is not the CLI's business
    assert "could not parse a:b:c as a configuration key" in found["a:b:c"]


def test_an_esc_environment_cannot_be_read_offline(tmp_path: Path) -> None:
    found = problems(tmp_path, SET_ALL + "environment:\n  - crms/prod\n")
    assert list(found) == ["environment"]


def test_the_project_file_itself_is_validated(tmp_path: Path) -> None:
    project = PROJECT + "  aws:region:\n    type: string\n  ports:\n    type: array\n"
    project += "  size:\n    type: integer\n    default: big\n"
    found = problems(tmp_path, SET_ALL + "  test:ports: [1]\n  test:size: 1\n", project)
    assert set(found) == {"aws:region", "ports", "size"}
    assert "not of type 'integer'" in found["size"]


@pytest.mark.parametrize("stack", STACKS)
def test_the_committed_stack_files_lack_only_their_secrets(stack: str) -> None:
    found = cli_config_findings(REPO, stack)
    assert {f.subject for f in found} == set(unset_secret_keys(REPO, stack))
    assert set(unset_secret_keys(REPO, stack)) == {
        "crms:supabaseAccessToken",
        "crms:stripeSecretKey",
        "crms:resendApiKey",
        "crms:sentryAuthToken",
    }
    for finding in found:
        assert finding.fix.startswith("pulumi config set --secret ")


def test_the_projects_secrets_are_declared_without_a_default() -> None:
    # A default would not let a stack leave a secret unset: the CLI applies it as a plain
    # value and then refuses it as unencrypted (the test above).
    schema = load_yaml_file(REPO / "Pulumi.yaml")["config"]
    secrets = {key: entry for key, entry in schema.items() if entry.get("secret")}
    assert len(secrets) == 4
    assert all("default" not in entry and "value" not in entry for entry in secrets.values())


# Each case of pulumi/pulumi pkg/workspace/config_project_test.go (commit 1b5949891b3c) that
# runs ValidateStackConfigAndApplyProjectConfig, with the keys it refuses (none: it passes),
# and the cases its code decides that no test there names (named after the code).
CLI_CASES = {
    "TestStackConfigIsInheritedFromProjectConfig": (
        "config:\n  instanceSize: t3.micro\n  instanceCount: 20\n  protect: true\n",
        "config:\n  test:instanceSize: t4.large\n",
        set(),
    ),
    "TestNamespacedConfigValuesAreInheritedCorrectly": (
        "config:\n  aws:region: us-west-1\n  pulumi:disable-default-providers: ['*']\n"
        "  instanceSize: t3.micro\n",
        "config:\n  test:instanceSize: t4.large\n",
        set(),
    ),
    "TestLoadingStackConfigWithoutNamespacingTheProject": (
        "config:\n  aws:region: us-west-1\n  instanceSize: t3.micro\n",
        "config:\n  instanceSize: t4.large\n",
        set(),
    ),
    "TestUntypedProjectConfigValuesAreNotValidated": (
        "config:\n  instanceSize: t3.micro\n  aws:region: us-west-1\n",
        "config:\n  instanceSize: 9999\n  aws:region: 42\n",
        set(),
    ),
    "TestUntypedProjectConfigValuesWithOnlyDefaultOrOnlyValue": (
        "config:\n  instanceSize:\n    default: t3.micro\n  region:\n    value: us-west-1\n",
        "config:\n  aws:answer: 42\n",
        set(),
    ),
    "TestUntypedStackConfigValuesDoNeedProjectDeclaration": (
        "config:\n  createVpc: true\n",
        "config:\n  instanceSize: 42\n",
        set(),
    ),
    "TestUntypedProjectConfigObjectValuesPassedDownToStack": (
        "config:\n  instanceSize:\n    value:\n      hello: world\n"
        "  aws:config:\n    value:\n      region: us-west-1\n",
        "config:\n  aws:whatever: 42\n",
        set(),
    ),
    "TestStackConfigErrorsWhenStackValueIsNotCorrectlyTyped": (
        "config:\n  values:\n    type: array\n    items:\n      type: string\n"
        "    default: [value]\n",
        "config:\n  test:values: someValue\n",
        {"test:values"},
    ),
    "TestStackConfigErrorsWhenMissingStackValueForConfigTypeWithNoDefault": (
        "config:\n  values:\n    type: array\n    items:\n      type: string\n",
        "",
        {"test:values"},
    ),
    "TestStackConfigDoesNotErrorWhenProjectHasNotDefinedConfig": (
        "",
        "config:\n  hello: 21\n  world: 42\n  another: 42\n",
        set(),
    ),
    "TestStackConfigUInt64": ("", "config:\n  test:instanceSize: 18446744073709551615\n", set()),
    # validateStackConfigValues checks a key only `if projectConfigType.IsExplicitlyTyped()`:
    "untyped secret, written in plain": (
        "config:\n  apiKey:\n    secret: true\n",
        "config:\n  test:apiKey: hunter2\n",
        set(),
    ),
    "untyped secret with a default, unset": (
        "config:\n  apiKey:\n    secret: true\n    default: hunter2\n",
        "config: {}\n",
        set(),
    ),
    # mergeConfig: no default, no value, not on the stack -> missing, typed or not
    "untyped secret without a default, unset": (
        "config:\n  apiKey:\n    secret: true\n",
        "config: {}\n",
        {"test:apiKey"},
    ),
    # `Default any` is nil for YAML null: hasDefault is false
    "a null default is no default": (
        "config:\n  size:\n    type: string\n    default: null\n",
        "config: {}\n",
        {"test:size"},
    ),
    # Project.Validate: "Configuration key '...' is namespaced and must provide an
    # attribute 'value'"
    "another namespace's key without a value": (
        "config:\n  aws:region:\n    description: where\n",
        "config: {}\n",
        {"aws:region"},
    ),
}


@pytest.mark.parametrize(("project", "stack", "refused"), CLI_CASES.values(), ids=CLI_CASES)
def test_what_the_pinned_cli_accepts_and_refuses(
    tmp_path: Path, project: str, stack: str, refused: set[str]
) -> None:
    found = problems(tmp_path, stack, "name: test\nruntime: python\n" + project)
    assert set(found) == refused

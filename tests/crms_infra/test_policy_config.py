"""The one reader of `policies/config.<stack>.json`: every form the Pulumi CLI accepts
(pulumi/pulumi, pkg/resource/analyzer/config.go), and what it refuses."""

import json
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import struct_pb2

from crms_infra.offline.pack_config import LEVEL_CODES, PolicyPackError, policy_config
from crms_infra.offline.sdk import analyzer_pb2
from crms_infra.policy_config import (
    PolicyConfig,
    PolicyConfigError,
    parse_policy_config,
    read_policy_config,
)
from tests.conftest import REPO, STACKS


def parsed(value: object) -> PolicyConfig:
    return parse_policy_config(json.dumps(value), "config.test.json")


def test_a_level_as_a_string_or_inside_an_object() -> None:
    config = parsed({"a": "disabled", "b": {"enforcementLevel": "disabled"}, "c": "advisory"})
    assert config.is_disabled("a")
    assert config.is_disabled("b")
    assert config.level("c") == "advisory"
    assert config.level("d") == "mandatory"
    assert config.arguments_of("b") == {}


def test_all_sets_every_level_and_a_policys_own_entry_wins() -> None:
    config = parsed({"all": "disabled", "kept": "mandatory"})
    assert config.is_disabled("anything")
    assert not config.is_disabled("kept")
    assert parsed({"all": {"enforcementLevel": "advisory"}}).level("x") == "advisory"


def test_arguments_sit_beside_the_level_and_over_the_schema_defaults() -> None:
    config = parsed({"r": {"enforcementLevel": "advisory", "minimumDays": 400}})
    assert config.arguments_of("r", {"minimumDays": 365, "other": 1}) == {
        "minimumDays": 400,
        "other": 1,
    }
    assert config.reconciled([("r", "mandatory", {"minimumDays": 365})]) == {
        "r": ("advisory", {"minimumDays": 400})
    }


def test_exemptions_are_read_with_their_rule() -> None:
    config = parsed({"r": {"exemptions": [{"urn": "u", "reason": "why not", "expires": "2027"}]}})
    [exemption] = config.exemptions()
    assert (exemption.rule, exemption.urn, exemption.reason) == ("r", "u", "why not")


def test_an_empty_file_is_no_config() -> None:
    assert parse_policy_config("  \n", "config.test.json") == PolicyConfig("config.test.json")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"r": "off"}', '"off" is not an enforcement level'),
        ('{"r": {"enforcementLevel": 3}}', "3 is not an enforcement level"),
        ('{"r": 3}', "neither an enforcement level nor an object"),
        ('{"r": ["disabled"]}', "neither an enforcement level nor an object"),
        ("[1]", "must hold a JSON object"),
        ("{", "is not valid JSON"),
    ],
)
def test_what_the_cli_refuses_is_refused_naming_the_file(text: str, words: str) -> None:
    with pytest.raises(PolicyConfigError, match=r"config\.test\.json") as error:
        parse_policy_config(text, "config.test.json")
    assert words in str(error.value)


@pytest.mark.parametrize("stack", STACKS)
def test_every_stacks_file_reads(stack: str) -> None:
    assert read_policy_config(REPO / "policies", stack).source == f"config.{stack}.json"


def _info(name: str, schema: dict[str, Any]) -> analyzer_pb2.PolicyInfo:
    properties = struct_pb2.Struct()
    properties.update(schema)
    return analyzer_pb2.PolicyInfo(
        name=name,
        enforcementLevel=LEVEL_CODES["mandatory"],
        configSchema=analyzer_pb2.PolicyConfigSchema(properties=properties),
    )


EXEMPTIONS = {
    "exemptions": {
        "type": "array",
        "items": {"type": "object", "required": ["urn", "reason"]},
    }
}


def test_the_engine_sends_each_policy_its_reconciled_level_and_arguments(tmp_path: Path) -> None:
    (tmp_path / "config.x.json").write_text(json.dumps({"all": "advisory", "b": "disabled"}))
    sent = policy_config(tmp_path, "x", [_info("a", EXEMPTIONS), _info("b", EXEMPTIONS)])
    assert sent["a"].enforcementLevel == LEVEL_CODES["advisory"]
    assert sent["b"].enforcementLevel == LEVEL_CODES["disabled"]


def test_the_engine_refuses_arguments_the_policys_schema_refuses(tmp_path: Path) -> None:
    (tmp_path / "config.x.json").write_text(json.dumps({"a": {"exemptions": [{"urn": "u"}]}}))
    with pytest.raises(PolicyPackError, match=r"config.x.json: a: exemptions.0: 'reason'"):
        policy_config(tmp_path, "x", [_info("a", EXEMPTIONS)])


# pulumi/pulumi pkg/resource/analyzer/config_test.go (commit 1b5949891b3c), every case of
# TestParsePolicyPackConfigSuccess (with its `success` table), TestParsePolicyPackConfigFail
# and TestParsePolicyPackConfigWithEnvironments, as (levels, arguments, environments).
CLI_ACCEPTS = {
    "": ({}, {}, ()),
    "    ": ({}, {}, ()),
    "\t": ({}, {}, ()),
    "\n": ({}, {}, ()),
    '{"foo":"advisory"}': ({"foo": "advisory"}, {}, ()),
    '{"foo":"mandatory"}': ({"foo": "mandatory"}, {}, ()),
    '{"all":"mandatory","policy1":{"foo":"one"},"policy2":{"foo":"two"}}': (
        {"all": "mandatory"},
        {"policy1": {"foo": "one"}, "policy2": {"foo": "two"}},
        (),
    ),
    "{}": ({}, {}, ()),
    '{"foo":{"enforcementLevel":"advisory"}}': ({"foo": "advisory"}, {}, ()),
    '{"foo":{"enforcementLevel":"mandatory"}}': ({"foo": "mandatory"}, {}, ()),
    '{"foo":{"enforcementLevel":"advisory","bar":"blah"}}': (
        {"foo": "advisory"},
        {"foo": {"bar": "blah"}},
        (),
    ),
    '{"foo":{}}': ({}, {}, ()),
    '{"foo":{"bar":"blah"}}': ({}, {"foo": {"bar": "blah"}}, ()),
    '{"policy1":{"foo":"one"},"policy2":{"foo":"two"}}': (
        {},
        {"policy1": {"foo": "one"}, "policy2": {"foo": "two"}},
        (),
    ),
    '{"environments":["org/secrets","org/config"],'
    '"cost-policy":{"enforcementLevel":"mandatory","maxCost":1000}}': (
        {"cost-policy": "mandatory"},
        {"cost-policy": {"maxCost": 1000}},
        ("org/secrets", "org/config"),
    ),
    '{"environments":["org/secrets"]}': ({}, {}, ("org/secrets",)),
    '{"cost-policy":"mandatory"}': ({"cost-policy": "mandatory"}, {}, ()),
    '{"environments":[],"cost-policy":"advisory"}': ({"cost-policy": "advisory"}, {}, ()),
    # Not a case there: json.Unmarshal of `null` into the map leaves it nil, without error.
    "null": ({}, {}, ()),
}
CLI_REFUSES = [
    '{"foo":[]}',
    '{"foo":null}',
    '{"foo":undefined}',
    '{"foo":0}',
    '{"foo":true}',
    '{"foo":false}',
    '{"foo":""}',
    '{"foo":"bar"}',
    '{"foo":{"enforcementLevel":[]}}',
    '{"foo":{"enforcementLevel":null}}',
    '{"foo":{"enforcementLevel":undefined}}',
    '{"foo":{"enforcementLevel":0}}',
    '{"foo":{"enforcementLevel":true}}',
    '{"foo":{"enforcementLevel":false}}',
    '{"foo":{"enforcementLevel":{}}}',
    '{"foo":{"enforcementLevel":""}}',
    '{"foo":{"enforcementLevel":"bar"}}',
    '{"environments":"not-an-array"}',
    '{"environments":[123]}',
]


@pytest.mark.parametrize(("text", "expected"), CLI_ACCEPTS.items(), ids=repr)
def test_what_the_pinned_cli_accepts_reads_as_it_reads(
    text: str, expected: tuple[dict[str, str], dict[str, Any], tuple[str, ...]]
) -> None:
    config = parse_policy_config(text, "config.test.json")
    assert (dict(config.levels), dict(config.arguments), config.environments) == expected


@pytest.mark.parametrize("text", CLI_REFUSES)
def test_what_the_pinned_cli_refuses_is_refused(text: str) -> None:
    with pytest.raises(PolicyConfigError, match=r"^config\.test\.json"):
        parse_policy_config(text, "config.test.json")

"""Stack files are read as the Pulumi CLI reads them (yaml.v3, YAML 1.2), minus the risky parts."""

import time
from pathlib import Path
from typing import Any

import pytest

from crms_infra.offline.project import read_stack_config
from crms_infra.stack_file.reader import (
    MAX_FILE_BYTES,
    YamlFileError,
    load_yaml,
    load_yaml_file,
    read_yaml_file,
)
from tests.conftest import REPO

# (document, what yaml.v3 decodes into `any`: resolve.go and decode.go of v3.0.1)
SAME_AS_PULUMI: list[tuple[str, Any]] = [
    ("a: yes", {"a": "yes"}),
    ("a: no", {"a": "no"}),
    ("a: on", {"a": "on"}),
    ("a: off", {"a": "off"}),
    ("a: y", {"a": "y"}),
    ("a: true", {"a": True}),
    ("a: False", {"a": False}),
    ("a: TRUE", {"a": True}),
    ("a: ~", {"a": None}),
    ("a:", {"a": None}),
    ("a: 0o17", {"a": 15}),
    ("a: 0x1F", {"a": 31}),
    ("a: 1_000", {"a": 1000}),
    ("a: 2026-11-25", {"a": "2026-11-25"}),
    ("a: '0777'", {"a": "0777"}),
    ("a: 1.5", {"a": 1.5}),
    ("a: [fra1, cdg1]", {"a": ["fra1", "cdg1"]}),
    ("a: {secure: v1:abc:def}", {"a": {"secure": "v1:abc:def"}}),
]


@pytest.mark.parametrize(("document", "expected"), SAME_AS_PULUMI)
def test_values_decode_as_in_pulumi(document: str, expected: Any) -> None:
    assert load_yaml(document + "\n", "Pulumi.dev.yaml") == expected


# (document, words of the one-sentence error)
REFUSED = [
    (
        "config:\n  crms:a: 1\n  crms:b: 2\n  crms:a: 3\n",
        "line 4: the key crms:a is already set at line 2",
    ),
    ("config:\n  crms:a: 1\n  'crms:a': 1\n", "line 3: the key crms:a is already set at line 2"),
    ("a: &x [1]\nb: *x\n", "line 1: anchors (&name) are not accepted"),
    ("a: !!binary aGk=\n", "the tag tag:yaml.org,2002:binary is not accepted"),
    ("a: !!python/object:os.system ls\n", "is not accepted"),
    ("a: !!set {x}\n", "is not accepted"),
    ("a: 0777\n", "a number with a leading zero is octal for Pulumi"),
    ("a: 1\n---\na: 2\n", "line 2: a second YAML document"),
    ("a: [1,\n", "line 2, column 1: not valid YAML"),
    ("a: 'x\n", "not valid YAML"),
    ("? [k]\n: v\n", "a key must be a string"),
    ("a: " + "[" * 40 + "]" * 40 + "\n", "nested more than 16 levels deep"),
]


@pytest.mark.parametrize(("document", "words"), REFUSED)
def test_refused_with_one_sentence(document: str, words: str) -> None:
    with pytest.raises(YamlFileError) as caught:
        load_yaml(document, "Pulumi.dev.yaml")
    message = str(caught.value)
    assert message.startswith("Pulumi.dev.yaml: ")
    assert words in message
    assert "\n" not in message
    assert len(message) < 250


def test_a_repeated_key_never_shows_its_values() -> None:
    document = "config:\n  crms:stripeSecretKey: sk_live_first\n  crms:stripeSecretKey: sk_live_2\n"
    with pytest.raises(YamlFileError) as caught:
        load_yaml(document, "Pulumi.prod.yaml")
    assert "sk_live" not in str(caught.value)


def test_an_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    """A bomb like the issue's (430 bytes there, 522 here): nine levels of nine aliases each."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        aliases = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    with pytest.raises(YamlFileError, match="anchors") as caught:
        load_yaml_file(path)
    assert time.perf_counter() - started < 1.0
    assert len(str(caught.value)) < 200


def test_a_file_over_the_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text("config:\n  crms:computeFunctionRegions:\n" + "    - fra1\n" * 100_000)
    with pytest.raises(YamlFileError) as caught:
        load_yaml_file(path)
    limit = f"{MAX_FILE_BYTES:,}"
    assert str(caught.value) == (
        f"Pulumi.dev.yaml is 1,100,039 bytes, over the {limit} a Pulumi file here may hold"
    )


def test_a_byte_order_mark_is_ignored_as_pulumi_does(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_bytes(b"\xef\xbb\xbfconfig:\n  crms:a: 1\n")
    assert load_yaml_file(path) == {"config": {"crms:a": 1}}


def test_the_committed_files_read_alike_with_the_strict_reader() -> None:
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml"):
        assert isinstance(load_yaml_file(REPO / name), dict)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "Pulumi.yaml").write_bytes((REPO / "Pulumi.yaml").read_bytes())
    return tmp_path


def test_encrypted_values_count_as_set_secrets_without_a_passphrase(project: Path) -> None:
    (project / "Pulumi.dev.yaml").write_text(
        "config:\n"
        "  crms:stripeSecretKey:\n    secure: v1:bm9uY2U=:Y2lwaGVydGV4dA==\n"
        "  vercel:apiToken:\n    secure: AAABAHfH3kq9\n"
        "  aws:assumeRoles:\n    - roleArn:\n        secure: AAABAQ==\n"
        "  vercel:team: crms-swiss\n"
        "  crms:plain:\n    secure: v1:a:b\n    other: x\n"
        "encryptionsalt: v1:c2FsdA==:v1:bm9uY2U=:c2VhbGVk\n"
    )
    config = read_stack_config(project, "dev")
    secure = {"crms:stripeSecretKey", "vercel:apiToken", "aws:assumeRoles"}
    assert secure <= config.secret_keys
    assert "vercel:team" not in config.secret_keys
    assert "crms:plain" not in config.secret_keys  # a map with more than `secure` is an object
    for key in secure:
        assert "Y2lwaGVydGV4dA" not in config.values[key]
        assert "AAAB" not in config.values[key]


def test_a_plain_value_is_not_taken_for_a_secret(project: Path) -> None:
    (project / "Pulumi.dev.yaml").write_text("config:\n  crms:stripeSecretKey: sk_live_x\n")
    assert "crms:stripeSecretKey" not in read_stack_config(project, "dev").secret_keys


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("confg:\n  crms:a: 1\n", "the top-level key confg is not one Pulumi reads"),
        ("config: [a, b]\n", "config must be a mapping"),
        ("- config\n", "Pulumi.dev.yaml must be a mapping"),
    ],
)
def test_a_stack_file_of_the_wrong_shape_is_refused(project: Path, text: str, words: str) -> None:
    (project / "Pulumi.dev.yaml").write_text(text)
    with pytest.raises(YamlFileError, match=words):
        read_stack_config(project, "dev")


def test_the_line_of_every_key_outside_lists_is_known() -> None:
    document = read_yaml_file(REPO / "Pulumi.prod.yaml")
    lines = (REPO / "Pulumi.prod.yaml").read_text().splitlines()
    for path, number in document.key_lines.items():
        assert path[0] == "config"
        assert lines[number - 1].lstrip().startswith(f"{path[-1]}:")
    assert len(document.key_lines) == len(document.data["config"]) + 1  # and `config` itself


@pytest.mark.parametrize(
    "value", ["-9223372036854775808", "18446744073709551615", "0xffffffffffffffff", "1e308"]
)
def test_numbers_within_64_bits_are_read(value: str) -> None:
    assert load_yaml(f"config:\n  crms:n: {value}\n", "Pulumi.dev.yaml")["config"]["crms:n"]


@pytest.mark.parametrize(
    "value", ["9" * 5000, "18446744073709551616", "-9223372036854775809", "0x1" + "0" * 16, "1e400"]
)
def test_numbers_past_64_bits_are_refused_with_line_and_key(value: str) -> None:
    with pytest.raises(YamlFileError, match=r"^Pulumi\.dev\.yaml: line 3: crms:n: ") as refused:
        load_yaml(f"config:\n  crms:a: 1\n  crms:n: [{value}]\n", "Pulumi.dev.yaml")
    assert value not in str(refused.value)


def test_a_caller_changing_what_it_read_changes_no_later_read() -> None:
    """Each text is parsed once per process (a plan reads each stack file several times):
    every reader still gets a document of its own."""
    first = load_yaml("config:\n  crms:regions: [fra1]\n", "Pulumi.x.yaml")
    first["config"]["crms:regions"].append("cdg1")
    first["extra"] = True
    again = load_yaml("config:\n  crms:regions: [fra1]\n", "Pulumi.x.yaml")
    assert again == {"config": {"crms:regions": ["fra1"]}}


def test_a_file_changed_between_two_reads_is_read_anew(tmp_path: Path) -> None:
    stack_file = tmp_path / "Pulumi.x.yaml"
    stack_file.write_text("config:\n  crms:a: 1\n")
    assert load_yaml_file(stack_file) == {"config": {"crms:a": 1}}
    stack_file.write_text("config:\n  crms:a: 2\n  crms:b: 3\n")
    document = read_yaml_file(stack_file)
    assert document.data == {"config": {"crms:a": 2, "crms:b": 3}}
    assert document.key_lines[("config", "crms:b")] == 3


def test_a_refused_text_is_refused_on_every_read() -> None:
    for _ in range(2):
        with pytest.raises(YamlFileError, match="anchors"):
            load_yaml("a: &x 1\nb: *x\n", "Pulumi.x.yaml")

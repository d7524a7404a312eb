"""Fuzzing the stack-file reader through the command line's own entry point: generated
stack files (the real dev file with keys and values replaced by anything, or mangled
text) read by `crms-infra bundle` in process, the bundle writer left out. Whatever the
file says: exit 0 or 2, no traceback, never "the program failed"; the message short, with
no control character and no line GitHub Actions would take for a workflow command."""

import contextlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from crms_infra import cli
from crms_infra.bundle import command as bundle_command
from crms_infra.offline import project as project_module
from crms_infra.stack_file.reader import load_yaml_file
from tests.conftest import REPO

EXAMPLES = 200
DEV = (REPO / "Pulumi.dev.yaml").read_text()
KEYS = list(load_yaml_file(REPO / "Pulumi.dev.yaml")["config"])
PLAIN_SCALARS = ["9" * 5000, "18446744073709551616", "-9223372036854775809", "1e400", ".inf",
                 ".nan", "0777", "0x" + "f" * 40, "yes", "~", "2026-01-01", "!!binary aGk=",
                 "&anchor 1", "*anchor", "'unclosed", "{a: [1, 2}", "- 1"]  # fmt: skip
hostile_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["::error file=README.md::injected", "\n::warning::x", "##[error]old",
                     "\x1b[31m", "\x00", "\u202e", "crms:", "vercel:tema", "aws:region"]),
)  # fmt: skip
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(hostile_text, children, max_size=3)
    ),
    max_leaves=8,
)


def quoted(text: str) -> str:
    """A YAML double-quoted scalar: JSON's string escapes are YAML's too."""
    return json.dumps(text)


@st.composite
def stack_file(draw: st.DrawFn) -> str:
    lines = DEV.splitlines()
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.one_of(st.sampled_from(KEYS), hostile_text.map(lambda k: f"crms:{k}")))
        value = draw(st.one_of(st.sampled_from(PLAIN_SCALARS), json_values.map(json.dumps)))
        lines.insert(draw(st.integers(1, len(lines))), f"  {quoted(key)}: {value}")
    text = "\n".join(lines) + "\n"
    if draw(st.integers(0, 9)) == 0:  # now and then, mangled text
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(max_size=20)) + text[at:]
    return text


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("project")
    shutil.copy(REPO / "Pulumi.yaml", directory / "Pulumi.yaml")
    return directory


PROJECT_FILE = load_yaml_file(REPO / "Pulumi.yaml")


def read_once(path: Path) -> Any:
    """The strict reader, but Pulumi.yaml, which never changes here, parsed only once."""
    return PROJECT_FILE if path.name == "Pulumi.yaml" else load_yaml_file(path)


def workflow_command(line: str) -> bool:
    """As GitHub Actions' runner reads a line (actions/runner, ActionCommand.cs)."""
    return line.lstrip().startswith("::") or "##[" in line


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=stack_file())
def test_any_stack_file_gets_exit_0_or_2_and_a_safe_short_message(
    project: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    (project / "Pulumi.dev.yaml").write_text(text, encoding="utf-8")
    # the reading is what is fuzzed
    monkeypatch.setattr(
        bundle_command, "write_bundle", lambda *_: {}
    )  # the reading is what is fuzzed
    monkeypatch.setattr(project_module, "load_yaml_file", read_once)
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(["bundle", "dev", "--project-dir", str(project), "--out", "unused"])
    message = stderr.getvalue()
    event(f"exit {code}")
    assert code in (0, 2), message
    assert "Traceback" not in message
    assert "the program failed" not in message, message
    assert len(message) < 6000
    for line in message.splitlines():
        assert line.isprintable(), line
        assert not workflow_command(line), line

"""What a stack file says reaches the terminal and CI's log escaped and bounded (issue 26,
case 7): no workflow command, control character or terminal escape gets through, the list
of problems is capped, and every value error names the file, the line and the key."""

import subprocess
from pathlib import Path

import pytest

from crms_infra.stack_file.reader import MAX_FILE_BYTES
from tests.helpers import run_cli as run

INJECTED = "::error file=README.md::injected annotation"


def workflow_commands(output: str) -> list[str]:
    """The lines GitHub Actions' runner would take for a workflow command: `::` at the start
    after spaces, or `##[` anywhere (actions/runner, src/Runner.Common/ActionCommand.cs)."""
    return [line for line in output.splitlines() if line.lstrip().startswith("::") or "##[" in line]


def add_keys(stack_file: Path, *lines: str) -> int:
    """Puts the lines first in the config block; returns the number of the first."""
    text = stack_file.read_text()
    stack_file.write_text(text.replace("config:\n", "config:\n" + "".join(lines), 1))
    return text.splitlines().index("config:") + 2


def refused(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "the program failed" not in result.stderr
    return result.stderr


@pytest.mark.parametrize("command", ["plan", "bundle"])
def test_a_key_holding_a_workflow_command_is_printed_escaped(
    project_copy: Path, tmp_path: Path, command: str
) -> None:
    stack_file = project_copy / "Pulumi.prod.yaml"
    key = f"crms:x\\n{INJECTED} \\e[31m red \\0 nul \\u202e flipped ##[warning]old"
    line = add_keys(stack_file, f'  "{key}": 1\n')
    args = ["--out", str(tmp_path / "out")] if command == "bundle" else []
    stderr = refused(run(command, "prod", "--project-dir", str(project_copy), *args))
    assert workflow_commands(stderr) == []
    assert all(line.isprintable() for line in stderr.splitlines())  # no control character
    assert (  # cut at 80 characters, saying how long the key was
        f"Pulumi.prod.yaml: line {line}: crms:x\\n::error file=README.md::injected annotation "
        "\\x1b[31m red \\x00 nul \\u202e flipped #\\x23[… (91 characters) is not a setting"
    ) in stderr


def test_thousands_of_unknown_keys_give_a_short_message(project_copy: Path) -> None:
    stack_file = project_copy / "Pulumi.dev.yaml"
    add_keys(stack_file, *(f"  crms:k{index}: 1\n" for index in range(3500)))
    assert stack_file.stat().st_size <= MAX_FILE_BYTES
    stderr = refused(run("plan", "dev", "--project-dir", str(project_copy)))
    assert len(stderr) < 4000  # it was 315 KB
    assert stderr.count("is not a setting of this project") == 20
    assert stderr.rstrip().endswith("... and 3,480 more problems")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("9" * 5000, "an integer of 5,000 characters, past the 64 bits Pulumi reads"),
        ("18446744073709551616", "an integer of 20 characters, past the 64 bits Pulumi reads"),
        ("-0x8000000000000001", "an integer of 18 characters, past the 64 bits Pulumi reads"),
        ("1e400", "a number too large for a 64-bit float"),
    ],
)
def test_a_number_past_64_bits_names_file_line_and_key(
    project_copy: Path, value: str, words: str
) -> None:
    stack_file = project_copy / "Pulumi.dev.yaml"
    line = add_keys(stack_file, f"  crms:computeFunctionMemoryMb: {value}\n")
    stderr = refused(run("plan", "dev", "--project-dir", str(project_copy)))
    assert f"Pulumi.dev.yaml: line {line}: crms:computeFunctionMemoryMb: {words}" in stderr
    assert value not in stderr  # a value is never quoted


def test_a_long_value_error_names_its_line(project_copy: Path) -> None:
    stack_file = project_copy / "Pulumi.dev.yaml"
    text = stack_file.read_text()
    old = next(line for line in text.splitlines() if "crms:computeFunctionMemoryMb:" in line)
    stack_file.write_text(text.replace(old, f'  crms:computeFunctionMemoryMb: "{"9" * 5000}"'))
    number = text.splitlines().index(old) + 1
    stderr = refused(run("plan", "dev", "--project-dir", str(project_copy)))
    assert (
        f"Pulumi.dev.yaml: line {number}: crms:computeFunctionMemoryMb has the bad value" in stderr
    )
    assert len(stderr) < 1000

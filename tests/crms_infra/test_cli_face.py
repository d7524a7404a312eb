"""One face for the command line: a version, every command's help with what it does, its
defaults and exit codes, the same `--format` choices in the same order, a path where a stack
name is expected answered as such, a flag that does not apply refused, and the program run
outside the engine stopping in one line."""

import argparse
import re
import subprocess
import sys

import pytest

from crms_infra import cli
from crms_infra.cli_face import COMMANDS, FORMATS
from tests.conftest import REPO
from tests.helpers import run_cli as run


def subcommands() -> dict[str, argparse.ArgumentParser]:
    (action,) = [
        a
        for a in cli._parser()._actions  # argparse lists its subparsers nowhere public
        if isinstance(a, argparse._SubParsersAction)
    ]
    return dict(action.choices)


def help_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == 0
    return capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert re.fullmatch(r"crms-infra \d+\.\d+\.\d+\n", help_of(["--version"], capsys))


def test_the_command_list_says_what_the_tool_is_and_its_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = help_of(["--help"], capsys)
    assert "the offline plan of a stack, and the diff of two plans" not in text
    assert "exit codes, for every command: 0 done; 1" in text
    assert sorted(subcommands()) == sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_says_what_it_does_its_defaults_and_exit_codes(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = " ".join(help_of([name, "--help"], capsys).split())
    command = COMMANDS[name]
    assert " ".join(command.description.split()) in text
    exits = text.split("exit codes:", 1)[1]
    codes = re.findall(r"\b([012]): ", exits)
    assert codes == sorted(codes), exits
    assert (codes[0], codes[-1]) == ("0", "2"), exits
    for action in subcommands()[name]._actions:
        optional_value = action.option_strings and action.nargs != 0 and not action.required
        shown = action.help != argparse.SUPPRESS  # hidden: for tests, never in the help
        if optional_value and shown and action.dest != "help":
            assert "(default: " in (action.help or ""), (name, action.dest)


def test_every_format_choice_comes_in_one_order_and_text_is_everyones_default() -> None:
    with_format = {}
    for name, parser in subcommands().items():
        for action in parser._actions:
            if "--format" in action.option_strings:
                with_format[name] = (list(action.choices or []), action.default)
    assert set(with_format) == {"plan", "diff", "check", "residency", "cost"}
    for name, (choices, default) in with_format.items():
        assert choices == [form for form in FORMATS if form in choices], name
        assert (choices[0], default) == ("text", "text"), name


def test_the_residency_report_has_a_text_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["residency", "prod"]) == cli.EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("crms / prod: 14 resources hold or process customer data")
    assert any(
        line.startswith("  database-project (database, Supabase): eu-central-2") for line in lines
    )


@pytest.mark.parametrize(
    ("argv", "answer"),
    [
        (["plan", "Pulumi.prod.yaml"], "Pulumi.prod.yaml is a stack file, not a stack name: "
         "give the stack's name, prod"),
        (["preflight", "stacks/prod"], "stacks/prod is a path, not a stack name: give one of "
         "dev, prod, staging"),
        (["cost", "Pulumi.dev.yaml"], "give the stack's name, dev"),
        (["plan", "qa"], "no stack named qa (no Pulumi.qa.yaml); stacks here: dev, prod, staging"),
    ],
)  # fmt: skip
def test_a_path_where_a_stack_name_is_expected_is_answered_as_such(
    argv: list[str], answer: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == cli.EXIT_ERROR
    error = capsys.readouterr().err
    assert error == f"error: {error.removeprefix('error: ')}"
    assert answer in error
    assert "Pulumi.Pulumi" not in error


@pytest.mark.parametrize("form", ["text", "json"])
def test_max_chars_outside_markdown_is_refused(form: str) -> None:
    result = run("diff", "dev", "prod", "--format", form, "--max-chars", "5000")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: --max-chars sizes the Markdown only: not with --format {form}\n"
    )


def test_the_program_run_outside_the_engine_says_so_in_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "__main__.py"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("__main__.py is the Pulumi program: `pulumi preview`")
    assert "Traceback" not in result.stderr

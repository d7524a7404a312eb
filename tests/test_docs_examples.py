"""Every shell example in the docs that runs offline is run here, and prints what the page says.

Each fenced block says what it is: `console` (a session that runs offline: `$ command`
lines, each followed by exactly what it prints), `sh` (commands that need the cloud, its
credentials or the Pulumi CLI: read, never run here), or `text`/`json`/`yaml` (no commands).
A small runner of our own rather than mktestdocs or pytest-examples: mktestdocs runs a
block and checks only that it exits 0, and pytest-examples runs Python, not shell; a page's
figures are what a command prints, so the runner compares the output line for line.
"""

import os
import re
import subprocess

import pytest

from tests.conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
KINDS = {"console", "sh", "text", "json", "yaml"}


def blocks(kind: str) -> list[tuple[str, str]]:
    """(where, body) of every block of `kind`: `where` is the page and the block's line."""
    found = []
    for page in PAGES:
        text = page.read_text()
        for match in FENCE.finditer(text):
            if match.group(1) == kind:
                line = text.count("\n", 0, match.start()) + 1
                found.append((f"{page.relative_to(REPO)}:{line}", match.group(2)))
    return found


def session(body: str) -> list[tuple[str, str]]:
    """A console block's (command, what it prints) pairs."""
    steps: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, f"output before any command: {line!r}"
            steps[-1][1].append(line)
    return [(command, "\n".join(printed)) for command, printed in steps]


def test_every_block_says_what_it_is() -> None:
    for page in PAGES:
        for match in FENCE.finditer(page.read_text()):
            assert match.group(1) in KINDS, (page.name, match.group(2)[:60])


def test_the_two_commands_are_the_readmes_first_block_and_ci_runs_one() -> None:
    """`make test` is not run from inside `make test`: CI runs it (.ci/run), and this file
    runs `make plan` below, with every console block of the pages."""
    (_, first), *_ = blocks("sh")
    assert first == "make plan STACK=prod\nmake test\n"
    assert (REPO / ".ci" / "run").read_text().rstrip().endswith("\nmake test")


@pytest.mark.parametrize(("where", "body"), blocks("console"), ids=lambda value: value)
@pytest.mark.timeout(600)  # a few offline plans, on a loaded machine
def test_every_console_block_prints_what_the_page_says(where: str, body: str) -> None:
    environment = {
        **os.environ,
        "PATH": f"{REPO / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
    }
    for command, printed in session(body):
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=REPO, capture_output=True, text=True, env=environment, timeout=540,
        )  # fmt: skip
        assert result.stdout.rstrip("\n") == printed, f"{where}: $ {command}\n{result.stderr}"


def test_the_runner_sees_the_blocks_it_must_run() -> None:
    assert len(blocks("console")) >= 5
    assert all(session(body) for _, body in blocks("console"))


def test_a_block_that_prints_something_else_fails() -> None:
    """The comparison is exact: a figure changed on the page no longer matches."""
    (command, printed), *_ = session("$ echo 260.73\n260.73\n")
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert result.stdout.rstrip("\n") == printed
    assert result.stdout.rstrip("\n") != "160.72"

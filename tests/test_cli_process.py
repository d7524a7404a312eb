"""The tests' runner of `crms-infra` (tests/cli_process.py) gives what a fresh process gives."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.cli_process import CLI, run_command
from tests.conftest import REPO


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["plan", "qa"],  # refused: no such stack, exit 2
        ["plan", "dev", "--format", "json"],
        ["plan", "dev", "--bogus"],  # argparse's own exit 2 and usage
        ["diff", "nowhere.json", "nowhere.json"],
    ],
)
@pytest.mark.parametrize("where", ["checkout", "elsewhere"])
def test_a_command_gives_what_a_fresh_process_gives(
    args: list[str], where: str, tmp_path: Path
) -> None:
    """In the checkout, and in a folder outside any project (the CLI then plans this
    checkout, and names the saved plans it cannot find relative to that folder)."""
    cwd = REPO if where == "checkout" else tmp_path
    environment = {**os.environ, "CRMS_TEST_MARK": "1"}  # an environment of the test's own
    fresh = subprocess.run(
        [CLI, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
    )
    forked = run_command(args, cwd=cwd, env=environment)
    assert (forked.returncode, forked.stdout, forked.stderr) == (
        fresh.returncode,
        fresh.stdout,
        fresh.stderr,
    )

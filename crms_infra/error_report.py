"""How the command line reports an error: escaped, bounded, and naming the stack file's line.

A message may quote a stack file, which CI reads from the pull request itself, so every
line goes through `stacks.escape` (control characters, terminal escapes, GitHub Actions
workflow commands) and at most MAX_ERROR_LINES are printed.
"""

import sys
from collections.abc import Callable
from pathlib import Path

from crms_infra.stack_file.reader import read_yaml_file
from stacks.config_keys import PROJECT
from stacks.escape import safe_lines
from stacks.loader import SettingsError

MAX_ERROR_LINES = 40
"""An error's lines, at most (a settings error lists at most 20 problems)."""


def report(message: str) -> None:
    print("\n".join(safe_lines(f"error: {message}", MAX_ERROR_LINES)), file=sys.stderr)


def settings_message(error: SettingsError, project_dir: Callable[[], Path]) -> str:
    """The settings error with each problem's line in the stack file, when it can be read."""
    try:
        document = read_yaml_file(project_dir() / error.stack_file)
    except Exception:  # the lines are a help: the problems are what matter
        return f"invalid settings:\n{error}"
    key_lines = {
        key if ":" in key else f"{PROJECT}:{key}": line
        for (section, *rest), line in document.key_lines.items()
        if section == "config" and len(rest) == 1
        for key in rest
    }
    return "invalid settings:\n" + "\n".join(error.lines(key_lines))

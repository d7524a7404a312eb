"""A stack's invalid settings: each problem (the stack file, the key, the bad value, what is
allowed) and the one error that lists them (`SettingsError`, a `pulumi.RunError`, which the
engine reports without a traceback and the offline CLI turns into exit code 2). Every value
shown is JSON, escaped and cut short; a secret's is never shown. stacks/loader.py finds them.
"""

import json
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from stacks.config_keys import PROJECT
from stacks.escape import capped, printable, safe_line


@dataclass(frozen=True)
class Problem:
    """One invalid setting."""

    key: str
    value: Any
    allowed: str
    namespace: str = PROJECT

    @property
    def full_key(self) -> str:
        return f"{self.namespace}:{self.key}"

    def render(self, stack_file: str, line: int | None = None) -> str:
        where = f"{stack_file}: line {line}" if line is not None else stack_file
        key = printable(self.full_key, _SHOWN_CHARS)
        if self.value is MISSING:
            return f"{where}: {key} is missing: {self.allowed}"
        if self.value is HIDDEN:
            return f"{where}: {key} {self.allowed}"
        return f"{where}: {key} has the bad value {_shown(self.value)}: {self.allowed}"


class SettingsError(pulumi.RunError):
    """The stack's settings are invalid; the message lists every problem (the first
    MAX_SHOWN_PROBLEMS of them, then how many more), each line escaped (stacks.escape)."""

    def __init__(self, stack_file: str, problems: list[Problem]) -> None:
        self.stack_file = stack_file
        self.problems = problems
        super().__init__("\n".join(self.lines()))

    def lines(self, key_lines: Mapping[str, int] | None = None) -> list[str]:
        """The message's lines; with `key_lines` (a config key's line in the stack file,
        `crms:key` -> 12), each names the line of its key."""
        key_lines = key_lines or {}
        found = [(key_lines.get(_config_key(problem)), problem) for problem in self.problems]
        found.sort(key=lambda pair: pair[0] or math.inf)  # in file order, missing keys last
        rendered = (safe_line(problem.render(self.stack_file, line)) for line, problem in found)
        return list(capped(rendered, len(found), MAX_SHOWN_PROBLEMS, "problems"))


def _config_key(problem: Problem) -> str:
    """The key as the stack file writes it: `crms:computeFunctionRegions[1]` is on the line
    of `crms:computeFunctionRegions`."""
    return _LIST_INDEXES.sub("", problem.full_key)


_LIST_INDEXES = re.compile(r"(\[[0-9]+\])+$")
MISSING = object()
HIDDEN = object()
"""A `Problem.value` that must not be shown: the value of a secret."""
_SHOWN_CHARS = 80
MAX_SHOWN_PROBLEMS = 20
"""Enough for any real mistake; 4,000 unknown keys in a 64 KiB file once printed 315 KB."""


def _shown(value: Any) -> str:
    """The value as JSON (every control character escaped), cut short: an error must not
    print megabytes."""
    try:
        text = json.dumps(value, default=str)
    except ValueError:  # an integer past Python's 4,300-digit conversion limit
        return f"a number of more than {sys.get_int_max_str_digits():,} digits"
    if len(text) <= _SHOWN_CHARS:
        return text
    return f"{text[:_SHOWN_CHARS]}… ({len(text):,} characters)"

"""Text from input (a stack file's keys and values, a file name) made safe to print.

Whatever a stack file says may end up in a message that CI shows, and the pull-request
workflow reads the pull request's own stack files. Three things must not get through:
- control characters, terminal escapes, bidirectional overrides and line separators,
  which rewrite what a terminal or log viewer shows: every character that is not
  printable (`str.isprintable`) is written as a Python escape (`\\n`, `\\x1b`, `\\u202e`);
- GitHub Actions workflow commands: the runner reads `::command ...::` at the start of a
  line, after leading spaces (TryParseV2), and the older `##[command]` anywhere in a line
  (TryParse; actions/runner, src/Runner.Common/ActionCommand.cs), so `##[` is written
  `#\\x23[` everywhere and a line's leading `::` as `\\x3a:`;
- unbounded length: a fragment is cut at `limit` characters, saying how long it was.
Backslashes are left as they are, so escaping escaped text changes nothing.

Here, in the program's own package, because the settings loader needs it and the program
never imports the tooling; the tooling (`crms_infra`) uses it for everything it prints.
"""

from collections.abc import Iterable, Iterator

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_V1_COMMAND = "##["


def _escaped(character: str) -> str:
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str, limit: int | None = None) -> str:
    """`text` with every unprintable character escaped, and cut at `limit` characters."""
    shown = text if limit is None else text[:limit]
    escaped = "".join(c if c.isprintable() else _escaped(c) for c in shown)
    escaped = escaped.replace(_V1_COMMAND, "#\\x23[")
    if limit is not None and len(text) > limit:
        escaped += f"… ({len(text):,} characters)"
    return escaped


def safe_line(text: str) -> str:
    """One line of output: escaped, and never starting a workflow command."""
    line = printable(text)
    if line.lstrip().startswith("::"):
        start = len(line) - len(line.lstrip())
        line = f"{line[:start]}\\x3a{line[start + 1 :]}"
    return line


def safe_lines(message: str, limit: int) -> Iterator[str]:
    """Each line of `message` made safe, at most `limit` of them, then how many more."""
    lines = message.splitlines() or [""]
    yield from capped((safe_line(line) for line in lines), len(lines), limit, "lines")


def capped(items: Iterable[str], count: int, limit: int, noun: str) -> Iterator[str]:
    """The first `limit` of `count` items, then `... and N more <noun>` if any were left."""
    for index, item in enumerate(items):
        if index == limit:
            break
        yield item
    if count > limit:
        yield f"... and {count - limit:,} more {noun}"

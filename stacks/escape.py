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

JSON output (`json_text`) follows the same rules in JSON's own escapes, so that what a
program reads back is the value itself: an unprintable character becomes `\\u202e` (a
UTF-16 pair past U+FFFF, RFC 8259 section 7) and `##[` becomes `#\\u0023[`.

Here, in the program's own package, because the settings loader needs it and the program
never imports the tooling; the tooling (`crms_infra`) uses it for everything it prints.
"""

import re
from collections.abc import Iterable, Iterator

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_V1_COMMAND = "##["
_NOT_PLAIN_ASCII = re.compile(r"[^\n -~]")
"""What json.dumps(ensure_ascii=False) may leave raw that a JSON escape must replace: the
newlines of its indentation are layout, not text."""


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


def json_text(document: str) -> str:
    """JSON text (json.dumps with ensure_ascii=False) with every unprintable character, and
    each `##[`, written as JSON escapes: the same value, safe to print."""
    escaped = _NOT_PLAIN_ASCII.sub(lambda match: _json_escaped(match[0]), document)
    return escaped.replace(_V1_COMMAND, "#\\u0023[")


def _json_escaped(character: str) -> str:
    if character.isprintable():
        return character
    units = character.encode("utf-16-be")
    return "".join(f"\\u{units[i] << 8 | units[i + 1]:04x}" for i in range(0, len(units), 2))


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

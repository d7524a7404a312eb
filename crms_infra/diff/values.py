"""How one changed value reads in a diff: always the change itself, never only what stayed.

- A policy document (IAM, KMS key, bucket or topic policy: JSON text or an object with a
  `Statement`) is compared statement by statement. A statement is known by its `Sid`, or
  without one by its effect, principal, action and resource; each statement added, removed
  or changed is shown whole, a changed one as a diff with all of it as context.
- Multi-line text (SQL, scripts) is a unified diff of its lines (difflib, three lines of
  context), as is any other JSON structure too long for one line (pretty-printed).
- A large map of plain values (a deployment's `files`: path to size and hash) is compared
  by key: entries added, removed and changed, the first few of each named, the rest counted.
  Shown whole, a build of a thousand files would push everything else out of the comment.
- Anything else is `before → after` on one line while both fit, else both whole.
"""

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from pydantic import JsonValue

INLINE_WIDTH = 200
"""Past this many characters a side, a value is shown as a block of lines."""
CONTEXT_LINES = 3
LARGE_MAP_ENTRIES = 50
"""A map of plain values with more entries than this is compared by key, not shown whole."""
NAMED_ENTRIES = 20
"""How many entries of each kind (added, removed, changed) a large map's change names."""


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


ABSENT: Final = _Absent()
"""A property or output missing on one side of a diff."""

Side = JsonValue | _Absent
"""One side of a change: a JSON value, or ABSENT."""


@dataclass(frozen=True)
class ShownChange:
    """A change as a reader sees it: a one-line summary, and lines of a diff where the
    value is too large for one line (each starting with ` `, `-`, `+` or `@@`)."""

    summary: str
    lines: list[str] = field(default_factory=list)
    inline: tuple[str, str] | None = None
    """Both sides, when the change reads on one line (the summary is then `a → b`)."""


def is_large_map(value: Side) -> bool:
    """A map of more than LARGE_MAP_ENTRIES plain (not nested) values."""
    return (
        isinstance(value, dict)
        and len(value) > LARGE_MAP_ENTRIES
        and not any(isinstance(item, dict | list) for item in value.values())
    )


def show_change(before: Side, after: Side) -> ShownChange:
    if is_large_map(before) or is_large_map(after):
        return _map_changes(_as_map(before), _as_map(after))
    old, new = _document(before), _document(after)
    documents = (old is not None or before is ABSENT) and (new is not None or after is ABSENT)
    if documents and (old or new):
        return _statement_changes(old or {}, new or {})
    if _multiline(before) or _multiline(after):
        return _text_changes(_text(before), _text(after))
    old_text, new_text = _inline(before), _inline(after)
    if max(len(old_text), len(new_text)) <= INLINE_WIDTH:
        return ShownChange(f"{old_text} → {new_text}", inline=(old_text, new_text))
    if isinstance(before, dict | list) or isinstance(after, dict | list):
        return _text_changes(_pretty(before), _pretty(after), "a long value changed")
    return ShownChange("a long value changed", [f"- {old_text}", f"+ {new_text}"])


def _document(value: Side) -> dict[str, JsonValue] | None:
    """A policy document, from JSON text or an object; None for anything else."""
    parsed = value
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return None
    if isinstance(parsed, dict) and "Statement" in parsed:
        return parsed
    return None


def _statements(document: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
    found = document.get("Statement", [])
    listed = found if isinstance(found, list) else [found]
    keyed: dict[str, JsonValue] = {}
    for statement in listed:
        key = _statement_key(statement)
        while key in keyed:  # two statements alike but for their conditions: keep both
            key += "'"
        keyed[key] = statement
    return keyed


def _statement_key(statement: JsonValue) -> str:
    if not isinstance(statement, dict):
        return json.dumps(statement, sort_keys=True)
    if statement.get("Sid"):
        return f'statement "{statement["Sid"]}"'
    parts = {name: statement.get(name) for name in ("Effect", "Principal", "Action", "Resource")}
    return "statement " + json.dumps(parts, sort_keys=True)


def _statement_changes(old: Mapping[str, JsonValue], new: Mapping[str, JsonValue]) -> ShownChange:
    before, after = _statements(old), _statements(new)
    lines: list[str] = []
    counts = {"added": 0, "removed": 0, "changed": 0}
    for key in sorted(before.keys() | after.keys()):
        if key not in after:
            counts["removed"] += 1
            lines += [f"@@ {key} removed @@", *(f"-{line}" for line in _pretty(before[key]))]
        elif key not in before:
            counts["added"] += 1
            lines += [f"@@ {key} added @@", *(f"+{line}" for line in _pretty(after[key]))]
        elif before[key] != after[key]:
            counts["changed"] += 1
            whole = _pretty(before[key]) + _pretty(after[key])
            diff = _unified(_pretty(before[key]), _pretty(after[key]), context=len(whole))
            lines += [f"@@ {key} changed @@", *diff[1:]]
    rest_before = {k: v for k, v in old.items() if k != "Statement"}
    rest_after = {k: v for k, v in new.items() if k != "Statement"}
    if rest_before != rest_after:
        lines += ["@@ outside the statements @@"]
        lines += _unified(_pretty(rest_before), _pretty(rest_after), context=CONTEXT_LINES)
    parts = [f"{count} statement(s) {how}" for how, count in counts.items() if count]
    return ShownChange(", ".join(parts) or "the document outside its statements changed", lines)


def _as_map(value: Side) -> dict[str, JsonValue]:
    if isinstance(value, dict):
        return value
    return {} if isinstance(value, _Absent) else {"(the whole value)": value}


def _map_changes(old: Mapping[str, JsonValue], new: Mapping[str, JsonValue]) -> ShownChange:
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    changed = sorted(key for key in old.keys() & new.keys() if old[key] != new[key])
    lines: list[str] = []
    for sign, keys, how in (
        ("+", added, "added"),
        ("-", removed, "removed"),
        ("~", changed, "changed"),
    ):
        lines += [f"{sign}{key}" for key in keys[:NAMED_ENTRIES]]
        if len(keys) > NAMED_ENTRIES:
            lines.append(f"@@ and {len(keys) - NAMED_ENTRIES:,} more {how} @@")
    summary = f"{len(new):,} entries: {len(added):,} added, {len(removed):,} removed, "
    return ShownChange(summary + f"{len(changed):,} changed", lines)


def _text_changes(before: list[str], after: list[str], summary: str = "") -> ShownChange:
    lines = _unified(before, after, CONTEXT_LINES)
    added = sum(1 for line in lines if line.startswith("+"))
    removed = sum(1 for line in lines if line.startswith("-"))
    return ShownChange(summary or f"{added} line(s) added, {removed} removed", lines)


def _unified(before: list[str], after: list[str], context: int) -> list[str]:
    diff = difflib.unified_diff(before, after, n=context, lineterm="")
    lines = [line for line in diff if not line.startswith(("---", "+++"))]
    return lines or ["@@ only the invisible changed (line endings or trailing space) @@"]


def _multiline(value: Side) -> bool:
    return isinstance(value, str) and "\n" in value


def _text(value: Side) -> list[str]:
    """Lines of a text (a carriage return stays visible, as `\\r`); none when absent."""
    if isinstance(value, _Absent):
        return []
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text.replace("\r", "\\r").split("\n")


def _pretty(value: Side | Mapping[str, JsonValue]) -> list[str]:
    if isinstance(value, _Absent):
        return []
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def _inline(value: Side) -> str:
    if isinstance(value, _Absent):
        return "(absent)"
    return json.dumps(value, sort_keys=True, ensure_ascii=False)

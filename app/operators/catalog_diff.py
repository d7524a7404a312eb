"""Two catalogs compared object by object: what the live database lacks, has beyond the
migrations, or has otherwise; and that list as a person reviews it, one line each."""

import enum
import json
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import JsonValue

from app.operators.catalog import Catalog
from app.operators.catalog_entry import Entry
from stacks.escape import safe_line

RELATIONS = frozenset({"table", "foreign table", "view", "materialized view", "sequence"})
_SHOWN_VALUE = 160
"""A value longer than this (a function's body, a view's query) is not printed whole: the
reconciling SQL holds it."""


class Change(enum.StrEnum):
    MISSING = "missing"
    """What the migrations make and the live database lacks."""
    EXTRA = "extra"
    """What the live database has and the migrations do not make."""
    DIFFERS = "differs"


@dataclass(frozen=True)
class Difference:
    change: Change
    live: Entry | None
    wanted: Entry | None

    @property
    def entry(self) -> Entry:
        found = self.wanted or self.live
        assert found is not None  # one side at least, by construction
        return found

    @property
    def changed(self) -> list[str]:
        """The properties that differ (none for a missing or extra object)."""
        if self.live is None or self.wanted is None:
            return []
        keys = self.live.props.keys() | self.wanted.props.keys()
        return sorted(key for key in keys if self.live.props.get(key) != self.wanted.props.get(key))


def differences(live: Catalog, wanted: Catalog) -> list[Difference]:
    """Every object that is not the same on both sides, in a stable order."""
    found = []
    for kind_key in sorted(live.entries.keys() | wanted.entries.keys()):
        before, after = live.entries.get(kind_key), wanted.entries.get(kind_key)
        if before is None:
            found.append(Difference(Change.MISSING, None, after))
        elif after is None:
            found.append(Difference(Change.EXTRA, before, None))
        elif before.props != after.props:
            found.append(Difference(Change.DIFFERS, before, after))
    return found


def reviewable(found: list[Difference]) -> Iterator[str]:
    """One line per difference, escaped (names and text come from the database). The parts
    of a relation missing or extra as a whole go with it, not on lines of their own."""
    whole = {
        difference.entry.key
        for difference in found
        if difference.change is not Change.DIFFERS and difference.entry.kind in RELATIONS
    }
    for difference in found:
        entry = difference.entry
        if entry.table in whole:
            continue
        if difference.change is Change.DIFFERS:
            assert difference.live is not None
            assert difference.wanted is not None
            details = [
                detail
                for key in difference.changed
                for detail in _details(
                    key, difference.live.props.get(key), difference.wanted.props.get(key)
                )
            ]
            yield safe_line(f"{entry.kind} {entry.key}: {'; '.join(details)}")
        else:
            yield safe_line(f"{difference.change} {entry.kind} {entry.key}")


def _details(key: str, live: JsonValue, wanted: JsonValue) -> list[str]:
    if key == "grants" and isinstance(live, dict) and isinstance(wanted, dict):
        return [
            f"grants to {role}: {_privileges(live.get(role))} -> {_privileges(wanted.get(role))}"
            for role in sorted(live.keys() | wanted.keys())
            if live.get(role) != wanted.get(role)
        ]
    return [f"{key}: {_shown(live)} -> {_shown(wanted)}"]


def _privileges(value: JsonValue) -> str:
    return ", ".join(str(item) for item in value) if isinstance(value, list) and value else "none"


def _shown(value: JsonValue) -> str:
    if value is None:
        return "none"
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= _SHOWN_VALUE else f"({len(text):,} characters, see the SQL)"

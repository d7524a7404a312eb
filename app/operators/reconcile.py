"""The SQL that brings a live schema to what the migrations make, for a person to review.

Statements go in an order that lets each one run: first what depends on something that
changes is dropped (triggers, policies, foreign keys, other constraints, indexes, views,
functions, then columns and tables), then things are made in dependency order (schemas,
extensions, types, tables and columns, functions, views, constraints with foreign keys
last, indexes, row-level security, triggers, policies), then owners and privileges. The
runner applies the file in one transaction and compares again, so a statement that cannot
run (a new check that a live row breaks) changes nothing.

Never dropped: a table that holds rows, or a column of such a table. That difference is
listed for a person (a backup, then their own statement; or a migration that keeps it).
A privilege granted by a role other than the object's owner is not revoked by the owner's
REVOKE (https://www.postgresql.org/docs/current/sql-revoke.html): the comparison after
applying then still finds it, and nothing is recorded.
"""

from dataclasses import dataclass, field

from pydantic import JsonValue

from app.operators import reconcile_objects as objects
from app.operators.catalog import Catalog
from app.operators.catalog_diff import RELATIONS, Change, Difference
from app.operators.catalog_entry import Entry
from app.operators.reconcile_plan import OBJECT_WORD, Plan, owner, schema_of
from app.operators.reconcile_plan import before as planned_before

_DEFAULTS_OF = {"foreign table": "table", "view": "table", "materialized view": "table"}
"""Default privileges know every relation but a sequence as a table
(https://www.postgresql.org/docs/current/sql-alterdefaultprivileges.html)."""


@dataclass
class Reconciliation:
    statements: list[str] = field(default_factory=list)
    left_to_a_person: list[str] = field(default_factory=list)

    def script(self, header: str) -> str:
        lines = [f"-- {line}".rstrip() for line in header.splitlines()]
        if self.left_to_a_person:
            lines += ["--", "-- Left to a person (this file does not change them):"]
            lines += [f"--   {line}" for line in self.left_to_a_person]
        return "\n".join(lines) + "\n\n" + "".join(f"{s};\n\n" for s in self.statements)


def reconcile(live: Catalog, wanted: Catalog, found: list[Difference]) -> Reconciliation:
    plan = Plan(live, wanted)
    for kind in ("table", "column"):  # a kept table's columns go with it
        for difference in found:
            if difference.entry.kind == kind and difference.entry.table not in plan.kept:
                _keep_what_holds_rows(plan, difference)
    plan.created = {d.entry.key for d in found if d.change is Change.MISSING and _relation(d)}
    plan.dropped = {
        d.entry.key for d in found if d.change is Change.EXTRA and _relation(d)
    } - plan.kept
    for difference in found:
        entry = difference.entry
        if entry.key in plan.kept or entry.table in plan.kept | plan.dropped:
            continue
        if entry.kind == "column" and entry.table in plan.created:
            continue  # made by its CREATE TABLE
        _STEPS.get(entry.kind, objects.STEPS.get(entry.kind, _unknown))(plan, difference)
    for difference in found:
        _grants(plan, difference)
    ordered = sorted(plan.statements, key=lambda item: item[0])  # stable within a phase
    return Reconciliation([statement for _, statement in ordered], plan.left_to_a_person)


def _relation(difference: Difference) -> bool:
    return difference.entry.kind in RELATIONS


def _keep_what_holds_rows(plan: Plan, difference: Difference) -> None:
    entry = difference.entry
    if difference.change is not Change.EXTRA:
        return
    if (entry.table if entry.kind == "column" else entry.key) in plan.live.holds_rows:
        plan.kept.add(entry.key)
        plan.leave(
            f"{entry.kind} {entry.key} holds rows and the migrations do not make it: never "
            "dropped here; back it up and drop it yourself, or keep it with a migration"
        )


def _unknown(plan: Plan, difference: Difference) -> None:
    plan.leave(f"{difference.change} {difference.entry.kind} {difference.entry.key}")


def _relation_step(plan: Plan, difference: Difference) -> None:
    entry, word = difference.entry, OBJECT_WORD[difference.entry.kind]
    if difference.change is Change.EXTRA:
        if entry.kind != "sequence" or not entry.props.get("owned by"):  # else with its column
            plan.add(15 if entry.kind.endswith("view") else 18, f"DROP {word} {entry.key}")
        return
    before = planned_before(difference)
    if entry.kind == "table" and difference.change is Change.MISSING:
        columns = [f"  {_column_definition(column)}" for column in plan.columns_of(entry.key)]
        plan.add(23, f"CREATE TABLE {entry.key} (\n" + ",\n".join(columns) + "\n)")
    elif entry.kind.endswith("view") and before.get("definition") != entry.props["definition"]:
        if difference.live:
            plan.add(15, f"DROP {word} {entry.key}")
        plan.add(31, f"CREATE {word} {entry.key} AS\n{str(entry.props['definition']).strip()}")
    elif entry.kind == "sequence" and difference.change is Change.MISSING:
        if not entry.props.get("owned by"):  # else made with its column
            plan.add(24, f"CREATE SEQUENCE {entry.key}")
    elif entry.kind == "sequence" and before.get("owned by") != entry.props.get("owned by"):
        plan.leave(f"sequence {entry.key} belongs to another column; change it by hand")
    elif entry.kind == "foreign table" and difference.change is Change.MISSING:
        plan.leave(f"foreign table {entry.key} is missing; make it by hand, with its server")
    owner(plan, difference)
    if before.get("options") != entry.props.get("options"):
        if before.get("options"):
            names = ", ".join(str(option).split("=")[0] for option in _list(before["options"]))
            plan.add(36, f"ALTER {word} {entry.key} RESET ({names})")
        if entry.props.get("options"):
            options = ", ".join(str(option) for option in _list(entry.props["options"]))
            plan.add(36, f"ALTER {word} {entry.key} SET ({options})")
    for prop, on, off in (
        ("row level security", "ENABLE", "DISABLE"),
        ("forced row level security", "FORCE", "NO FORCE"),
    ):
        if prop in entry.props and bool(before.get(prop)) != entry.props[prop]:
            state = on if entry.props[prop] else off
            plan.add(36, f"ALTER TABLE {entry.key} {state} ROW LEVEL SECURITY")


def _column(plan: Plan, difference: Difference) -> None:
    entry, table = difference.entry, difference.entry.table
    if difference.change is Change.EXTRA:
        plan.add(17, f"ALTER TABLE {table} DROP COLUMN {entry.name}")
        return
    props = entry.props
    if difference.live is None:
        required = props["not null"] and props["default"] is None and not props["identity"]
        if required and not props["generated"] and table in plan.live.holds_rows:
            plan.leave(f"column {entry.key} is NOT NULL without a default, and its table has rows")
            return
        plan.add(25, f"ALTER TABLE {table} ADD COLUMN {_column_definition(entry)}")
        return
    before, alter = difference.live.props, f"ALTER TABLE {table} ALTER COLUMN {entry.name}"
    if (before["identity"], before["generated"]) != (props["identity"], props["generated"]):
        plan.leave(f"column {entry.key}: identity or generation differs; rebuild it by hand")
        return
    if (before["type"], before["collation"]) != (props["type"], props["collation"]):
        collate = f" COLLATE {props['collation']}" if props["collation"] else ""
        plan.add(26, f"{alter} TYPE {props['type']}{collate} USING {entry.name}::{props['type']}")
    if before["default"] != props["default"]:
        default = props["default"]
        plan.add(
            26, f"{alter} DROP DEFAULT" if default is None else f"{alter} SET DEFAULT {default}"
        )
    if before["not null"] != props["not null"]:
        plan.add(26, f"{alter} {'SET' if props['not null'] else 'DROP'} NOT NULL")


def _column_definition(column: Entry) -> str:
    props = column.props
    parts = [str(column.name), str(props["type"])]
    if props.get("collation"):
        parts.append(f"COLLATE {props['collation']}")
    if props.get("generated"):
        parts.append(f"GENERATED ALWAYS AS ({props['generated']}) STORED")
    elif props.get("default") is not None:
        parts.append(f"DEFAULT {props['default']}")
    if props.get("identity"):
        parts.append(f"GENERATED {props['identity']} AS IDENTITY")
    if props.get("not null"):
        parts.append("NOT NULL")
    return " ".join(parts)


def _grants(plan: Plan, difference: Difference) -> None:
    """Privileges role by role, from what the object has (or gets when made here) to what
    the migrations give; made last, when every object and role they name exists."""
    entry = difference.entry
    if difference.change is Change.EXTRA or "grants" not in entry.props:
        return
    if entry.key in plan.kept or entry.table in plan.kept | plan.dropped:
        return
    recreated = entry.kind.endswith("view") and difference.changed == ["definition"]
    if difference.live is not None and not recreated:
        before = difference.live.props["grants"]
    elif entry.kind == "column":
        before = {}
    else:
        kind = _DEFAULTS_OF.get(entry.kind, entry.kind)
        where = entry.key if kind == "schema" else schema_of(entry.key)
        before = plan.live.default_grants.get((kind, where), {})
    after = entry.props["grants"]
    assert isinstance(before, dict)
    assert isinstance(after, dict)
    if entry.kind == "column":
        target = f"ON TABLE {entry.table}"
    elif entry.kind in RELATIONS - {"sequence"}:
        target = f"ON TABLE {entry.key}"  # TABLE names views and foreign tables too
    else:
        target = f"ON {OBJECT_WORD[entry.kind]} {entry.key}"
    for role in sorted(before.keys() | after.keys()):
        had, has = _privileges(before.get(role)), _privileges(after.get(role))
        revoked = [p for p in sorted(had) if p not in has]
        option_revoked = [p for p in sorted(had) if had[p] and p in has and not has[p]]
        if revoked:
            plan.add(41, f"REVOKE {_listed(entry, revoked)} {target} FROM {role}")
        if option_revoked:
            plan.add(
                41, f"REVOKE GRANT OPTION FOR {_listed(entry, option_revoked)} {target} FROM {role}"
            )
        for grantable, option in ((False, ""), (True, " WITH GRANT OPTION")):
            granted = [
                p
                for p in sorted(has)
                if has[p] is grantable and (p not in had or (has[p] and not had[p]))
            ]
            if granted:
                plan.add(42, f"GRANT {_listed(entry, granted)} {target} TO {role}{option}")


def _listed(entry: Entry, privileges: list[str]) -> str:
    """A column's privileges each name the column (`SELECT (id), UPDATE (id)`), sql-grant.html."""
    if entry.kind == "column":
        return ", ".join(f"{privilege} ({entry.name})" for privilege in privileges)
    return ", ".join(privileges)


_GRANT_OPTION = " WITH GRANT OPTION"


def _privileges(value: JsonValue) -> dict[str, bool]:
    """privilege -> whether it is held with the grant option."""
    found: dict[str, bool] = {}
    for item in value if isinstance(value, list) else []:
        privilege = str(item).removesuffix(_GRANT_OPTION)
        found[privilege] = found.get(privilege, False) or privilege != str(item)
    return found


def _list(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else []


_STEPS = {kind: _relation_step for kind in RELATIONS} | {"column": _column}

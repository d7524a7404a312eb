"""The reconciling statements for what is not a relation or a column: schemas,
extensions, types, constraints, indexes, policies, functions and triggers. Each step
takes one difference; the phase numbers order them (reconcile.py says how)."""

from collections.abc import Callable

from app.operators.catalog_diff import Change, Difference
from app.operators.reconcile_plan import Plan, owner

_CONSTRAINT_PHASE = {"p": 32, "u": 32, "x": 32, "c": 33, "f": 34}
"""Keys first: a foreign key needs the unique key it references."""
_TRIGGER_STATE = {"O": "ENABLE", "D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}


def _schema(plan: Plan, difference: Difference) -> None:
    if difference.change is Change.MISSING:
        plan.add(20, f"CREATE SCHEMA {difference.entry.key}")
    owner(plan, difference)


def _extension(plan: Plan, difference: Difference) -> None:
    entry = difference.entry
    schema = entry.props["schema"]
    if difference.change is Change.MISSING:
        plan.add(21, f"CREATE EXTENSION IF NOT EXISTS {entry.key} WITH SCHEMA {schema}")
    else:
        plan.add(21, f"ALTER EXTENSION {entry.key} SET SCHEMA {schema}")


def _type(plan: Plan, difference: Difference) -> None:
    entry = difference.entry
    if difference.change is Change.EXTRA:
        plan.add(50, f"DROP TYPE {entry.key}")  # after the columns that used it changed
        return
    if difference.change is Change.MISSING:
        if "enum" in entry.props:
            plan.add(22, f"CREATE TYPE {entry.key} AS {entry.props['enum']}")
        else:
            plan.add(22, f"CREATE DOMAIN {entry.key} AS {entry.props['domain']}")
    elif set(difference.changed) - {"grants", "owner"}:
        plan.leave(f"type {entry.key}: its definition differs; change it by hand")
    owner(plan, difference)


def _constraint(plan: Plan, difference: Difference) -> None:
    entry = difference.entry
    if difference.live is not None:
        phase = 12 if difference.live.props["type"] == "f" else 13
        plan.add(phase, f"ALTER TABLE {entry.table} DROP CONSTRAINT {entry.name}")
    if difference.wanted is not None:
        props = difference.wanted.props
        plan.add(
            _CONSTRAINT_PHASE[str(props["type"])],
            f"ALTER TABLE {entry.table} ADD CONSTRAINT {entry.name} {props['definition']}",
        )


def _index(plan: Plan, difference: Difference) -> None:
    if difference.live is not None:
        plan.add(14, f"DROP INDEX {difference.live.key}")
    if difference.wanted is not None:
        plan.add(35, str(difference.wanted.props["definition"]))


def _policy(plan: Plan, difference: Difference) -> None:
    entry = difference.entry
    if difference.live is not None:
        plan.add(11, f"DROP POLICY {entry.name} ON {entry.table}")
    if difference.wanted is not None:
        props = difference.wanted.props
        roles = props["roles"] if isinstance(props["roles"], list) else ["PUBLIC"]
        statement = (
            f"CREATE POLICY {entry.name} ON {entry.table} AS {props['as']}"
            f" FOR {props['command']} TO {', '.join(str(role) for role in roles)}"
        )
        if props["using"] is not None:
            statement += f"\n  USING ({props['using']})"
        if props["with check"] is not None:
            statement += f"\n  WITH CHECK ({props['with check']})"
        plan.add(38, statement)


def _function(plan: Plan, difference: Difference) -> None:
    entry = difference.entry
    if difference.change is Change.EXTRA:
        plan.add(16, f"DROP ROUTINE {entry.key}")
        return
    # CREATE OR REPLACE keeps the function's privileges and what depends on it.
    if difference.live is None or "definition" in difference.changed:
        plan.add(30, str(entry.props["definition"]).strip())
    owner(plan, difference)


def _trigger(plan: Plan, difference: Difference) -> None:
    entry = difference.entry
    remade = difference.change is not Change.DIFFERS or "definition" in difference.changed
    if difference.live is not None and remade:
        plan.add(10, f"DROP TRIGGER {entry.name} ON {entry.table}")
    if difference.wanted is None:
        return
    if remade:
        plan.add(37, str(difference.wanted.props["definition"]))
    state = str(difference.wanted.props["enabled"])
    if (state != "O" and remade) or "enabled" in difference.changed:
        plan.add(37, f"ALTER TABLE {entry.table} {_TRIGGER_STATE[state]} TRIGGER {entry.name}")


STEPS: dict[str, Callable[[Plan, Difference], None]] = {
    "schema": _schema,
    "extension": _extension,
    "type": _type,
    "constraint": _constraint,
    "index": _index,
    "policy": _policy,
    "function": _function,
    "trigger": _trigger,
}

"""What the reconciling SQL is built in: its statements by phase, what it leaves to a
person, and the relations it makes, drops or keeps."""

from dataclasses import dataclass, field

from app.operators.catalog import Catalog
from app.operators.catalog_diff import Difference
from app.operators.catalog_entry import Entry, Props
from stacks.escape import safe_line

OBJECT_WORD = {
    "table": "TABLE",
    "foreign table": "FOREIGN TABLE",
    "view": "VIEW",
    "materialized view": "MATERIALIZED VIEW",
    "sequence": "SEQUENCE",
    "function": "ROUTINE",  # a function or a procedure (sql-alterroutine.html)
    "schema": "SCHEMA",
    "type": "TYPE",
}


@dataclass
class Plan:
    live: Catalog
    wanted: Catalog
    statements: list[tuple[int, str]] = field(default_factory=list)
    """(phase, statement): applied by phase, in the order added within one."""
    left_to_a_person: list[str] = field(default_factory=list)
    kept: set[str] = field(default_factory=set)
    """Extra tables and columns that hold rows: never dropped."""
    created: set[str] = field(default_factory=set)
    dropped: set[str] = field(default_factory=set)

    def add(self, phase: int, statement: str) -> None:
        self.statements.append((phase, statement))

    def leave(self, why: str) -> None:
        """Names come from the database: escaped, so none ends a comment line of the script."""
        self.left_to_a_person.append(safe_line(why))

    def columns_of(self, table: str) -> list[Entry]:
        columns = [e for e in self.wanted.of_kind("column") if e.table == table]
        return sorted(columns, key=lambda column: column.position)


def before(difference: Difference) -> Props:
    """The live object's properties, or what making it here gives it: the runner owns it."""
    if difference.live is not None:
        return difference.live.props
    return {"owner": "CURRENT_USER"}


def owner(plan: Plan, difference: Difference) -> None:
    entry = difference.entry
    if before(difference).get("owner") != entry.props.get("owner"):
        word = OBJECT_WORD[entry.kind]
        plan.add(40, f"ALTER {word} {entry.key} OWNER TO {entry.props['owner']}")


def schema_of(key: str) -> str:
    """The schema part of a qualified name as PostgreSQL quotes it (`"a.b".c` -> `"a.b"`)."""
    if not key.startswith('"'):
        return key.split(".", 1)[0]
    end = 1
    while True:
        end = key.index('"', end)
        if key[end + 1 : end + 2] != '"':
            return key[: end + 1]
        end += 2

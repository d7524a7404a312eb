"""One object of a database's catalog, as `catalog.py` compares it."""

from dataclasses import dataclass

from pydantic import JsonValue

Props = dict[str, JsonValue]


@dataclass(frozen=True)
class Entry:
    kind: str
    """schema, extension, type, table, foreign table, view, materialized view, sequence,
    column, constraint, index, policy, function or trigger."""
    key: str
    """Its SQL name, quoted as PostgreSQL quotes it: `public.companies`, `public.companies.id`."""
    props: Props
    """What is compared."""
    table: str | None = None
    """The relation a column, constraint, index, policy or trigger belongs to."""
    name: str | None = None
    """Its own name, quoted, where SQL names it apart from its table."""
    position: int = 0
    """A column's place in its table (for a CREATE TABLE; not compared)."""

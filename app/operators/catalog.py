"""What the migrations make, read back from PostgreSQL's catalog, object by object.

Written here over pg_catalog rather than taken from a library: migra and schemainspect,
the Python ones that did this, were last released in September 2022, need SQLAlchemy
and psycopg2 (this project uses psycopg 3), and read privileges without PUBLIC and
without the built-in default of an object never granted on (schemainspect,
pg/sql/privileges.sql: `grantee != 0`, `aclexplode(c.relacl)`), so a function anyone may
run (`exec_sql` here) compares equal to one nobody may; Stripe's pg-schema-diff is a Go
program whose README lists privileges as unsupported. The catalog's own functions do the
hard part: pg_get_constraintdef, pg_get_indexdef, pg_get_functiondef, pg_get_triggerdef,
pg_get_expr, format_type (https://www.postgresql.org/docs/current/functions-info.html),
read with an empty search_path, so every name they print is schema-qualified and equal in
two databases. The schemas are the migrations' own (baseline.project_scope): pg_catalog is
the server's, so 001's revocation of the large-object functions there, which only a
superuser can make (it is a warning on Supabase), is not compared.

An entry holds what a person would review and nothing a database picks for itself (no
OID, no physical column order: PostgreSQL cannot reorder columns in place, and the app
addresses them by name). Roles are compared by name, except the reading role, written
CURRENT_USER: the scratch database may be reached as another user than the live one, and
what the runner creates is owned by whoever runs it. Privileges are the effective ones
(aclexplode over the ACL or, when none was ever set, acldefault), per role, without the
grantor. Objects an extension owns are the extension's, compared by its name only.
"""

import hashlib
import json
from dataclasses import dataclass, field

import psycopg

from app.operators.catalog_entry import Entry, Props
from app.operators.catalog_queries import DEFAULT_GRANTS, QUERIES, ROWS_CHECK


@dataclass(frozen=True)
class Scope:
    """What the migrations own: whole schemas, and extensions by name."""

    schemas: tuple[str, ...]
    extensions: tuple[str, ...]


@dataclass
class Catalog:
    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)
    holds_rows: frozenset[str] = frozenset()
    """Tables with at least one row (or whose rows could not be counted)."""
    default_grants: dict[tuple[str, str], Props] = field(default_factory=dict)
    """(kind, schema) -> the privileges a new object of that kind gets there, when the
    reading role creates it (its default privileges, https://www.postgresql.org/docs/
    current/sql-alterdefaultprivileges.html)."""

    def digest(self) -> str:
        """SHA-256 of every entry's kind, key and compared properties."""
        canonical = sorted([kind, key, entry.props] for (kind, key), entry in self.entries.items())
        return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()

    def of_kind(self, kind: str) -> list[Entry]:
        return sorted(
            (entry for entry in self.entries.values() if entry.kind == kind),
            key=lambda entry: (entry.table or "", entry.position, entry.key),
        )


def read_catalog(conn: psycopg.Connection, scope: Scope, *, with_rows: bool = False) -> Catalog:
    """The catalog of `scope`, read in one transaction (joined if one is open).

    `with_rows` also finds which tables hold rows, with row security off: a table whose
    rows a policy would hide then fails to be read and counts as holding rows, so nothing
    is ever dropped because a policy made it look empty."""
    catalog = Catalog()
    with conn.transaction():
        conn.execute("SELECT set_config('search_path', '', true)")
        params = {"schemas": list(scope.schemas), "extensions": list(scope.extensions)}
        for query in QUERIES:
            for row in conn.execute(query.sql, params):
                entry = query.entry(row)
                catalog.entries[(entry.kind, entry.key)] = entry
        if with_rows:
            catalog.holds_rows = frozenset(_tables_with_rows(conn, catalog))
            catalog.default_grants = _default_grants(conn, scope)
    return catalog


def _tables_with_rows(conn: psycopg.Connection, catalog: Catalog) -> list[str]:
    found = []
    for entry in catalog.of_kind("table"):
        try:
            with conn.transaction():
                conn.execute("SET LOCAL row_security = off")
                row = conn.execute(ROWS_CHECK.format(table=entry.key).encode()).fetchone()
        except psycopg.errors.InsufficientPrivilege:
            row = (True,)
        if row is None or row[0]:
            found.append(entry.key)
    return found


_DEFAULT_ACL_KINDS = {"table": ("r", "r"), "sequence": ("S", "s"), "function": ("f", "f"),
                      "type": ("T", "T"), "schema": ("n", "n")}  # fmt: skip
"""kind -> (pg_default_acl.defaclobjtype, acldefault's code): two alphabets for one thing."""


def _default_grants(conn: psycopg.Connection, scope: Scope) -> dict[tuple[str, str], Props]:
    """A global entry replaces the built-in default; a schema's adds to it
    (sql-alterdefaultprivileges.html, "Notes")."""
    grants: dict[tuple[str, str], Props] = {}
    for kind, (objtype, code) in _DEFAULT_ACL_KINDS.items():
        rows = conn.execute(
            DEFAULT_GRANTS, {"objtype": objtype, "code": code, "schemas": list(scope.schemas)}
        )
        for schema, privileges in rows:
            grants[(kind, schema)] = privileges
    return grants

"""Bring a database the runner did not build under it: the live database of a takeover.

    python -m app.operators.migrate --database-url URL --baseline [--scratch-url URL2]
        [--reconcile-out FILE]
    python -m app.operators.migrate --database-url URL --baseline --reconcile FILE
        [--scratch-url URL2]

The first applies the migrations to a scratch database (baseline_scratch.py) and compares
its catalog with the live one (catalog.py). Equal: it records the migrations as applied,
each with the catalog's digest, so the runner's next run applies nothing. Different: it
prints the differences, writes the SQL that reconciles them to FILE (reconcile.py), touches
nothing, and exits 1. The second applies the reviewed FILE in one transaction, compares
again, and commits, recording the migrations, only when nothing differs; otherwise it
rolls back and exits 1. Both refuse a database that already records applied migrations,
and hold the runners' advisory lock throughout.
"""

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pglast
import psycopg
from pglast import ast

from app.operators.baseline_scratch import copy_platform, temporary_database
from app.operators.catalog import Catalog, Scope, read_catalog
from app.operators.catalog_diff import Difference, differences
from app.operators.migrate import (
    MigrationError,
    _applied,
    _check_all,
    ensure_bookkeeping,
    lock,
    migrate,
    record_applied,
    unlock,
)
from app.operators.migration_session import Timeouts, connect, fresh_session
from app.operators.migration_set import Migration, check_statements, read_sql_file
from app.operators.reconcile import Reconciliation, reconcile


@dataclass(frozen=True)
class Outcome:
    differences: list[Difference]
    """Empty when the live schema equals what the migrations make (and was recorded)."""
    digest: str
    """SHA-256 of the catalog the migrations make."""
    reconciliation: Reconciliation | None = None


def project_scope(migrations: Sequence[Migration]) -> Scope:
    """What the migrations own: `public` and every schema they create, and the extensions
    they create, read from their statements with PostgreSQL's own parser."""
    schemas, extensions = ["public"], []  # `public` comes with every database
    for migration in migrations:
        for statement in pglast.parse_sql(migration.sql):
            if isinstance(statement.stmt, ast.CreateSchemaStmt):
                schemas.append(str(statement.stmt.schemaname))
            elif isinstance(statement.stmt, ast.CreateExtensionStmt):
                extensions.append(str(statement.stmt.extname))
    return Scope(tuple(dict.fromkeys(schemas)), tuple(dict.fromkeys(extensions)))


def baseline(
    database_url: str,
    migrations: Sequence[Migration],
    *,
    scratch_url: str | None = None,
    timeouts: Timeouts | None = None,
) -> Outcome:
    with _taking_over(database_url, migrations, scratch_url, timeouts) as (conn, scope, wanted):
        with conn.transaction():
            live = read_catalog(conn, scope, with_rows=True)
            found = differences(live, wanted)
            if not found:
                _record(conn, migrations, wanted)
        reconciliation = reconcile(live, wanted, found) if found else None
        return Outcome(found, wanted.digest(), reconciliation)


class _StillDifferent(Exception):
    def __init__(self, found: list[Difference]) -> None:
        super().__init__(f"{len(found)} differences remain")
        self.found = found


def apply_reconciliation(
    database_url: str,
    migrations: Sequence[Migration],
    reconcile_file: Path,
    *,
    scratch_url: str | None = None,
    timeouts: Timeouts | None = None,
) -> Outcome:
    reviewed = Migration(reconcile_file.name, read_sql_file(reconcile_file))
    check_statements(reviewed)  # it runs inside the runner's transaction: none of its own
    with _taking_over(database_url, migrations, scratch_url, timeouts) as (conn, scope, wanted):
        fresh_session(conn, timeouts or Timeouts())
        try:
            with conn.transaction():
                conn.execute(reviewed.sql.encode())
                conn.execute("SET SESSION AUTHORIZATION DEFAULT")
                found = differences(read_catalog(conn, scope), wanted)
                if found:
                    raise _StillDifferent(found)
                _record(conn, migrations, wanted)
        except _StillDifferent as still:
            return Outcome(still.found, wanted.digest())
        except psycopg.Error as error:
            detail = error.diag.message_primary or str(error)
            raise MigrationError(
                f"{reconcile_file.name} failed and was rolled back: {detail}"
            ) from None
        return Outcome([], wanted.digest())


@contextlib.contextmanager
def _taking_over(
    database_url: str,
    migrations: Sequence[Migration],
    scratch_url: str | None,
    timeouts: Timeouts | None,
) -> Iterator[tuple[psycopg.Connection, Scope, Catalog]]:
    """The live database, under the runners' lock and with no migration recorded yet; what
    the migrations own; and the catalog they make (built first: the lock is held briefly)."""
    timeouts = timeouts or Timeouts()
    _check_all(migrations)
    scope = project_scope(migrations)
    wanted = _wanted_catalog(database_url, migrations, scope, scratch_url, timeouts)
    with connect(database_url, timeouts) as conn:
        lock(conn, timeouts)
        try:
            _refuse_recorded(conn)
            yield conn, scope, wanted
        finally:
            unlock(conn)


def _wanted_catalog(
    database_url: str,
    migrations: Sequence[Migration],
    scope: Scope,
    scratch_url: str | None,
    timeouts: Timeouts,
) -> Catalog:
    if scratch_url:
        migrate(scratch_url, migrations, timeouts)
        with connect(scratch_url, timeouts) as scratch:
            return read_catalog(scratch, scope)
    with temporary_database(database_url, timeouts.connect) as url:
        with connect(database_url, timeouts) as live, connect(url, timeouts) as scratch:
            left_out = copy_platform(live, scratch, scope)
        try:
            migrate(url, migrations, timeouts)
        except MigrationError as error:
            if not left_out:
                raise
            raise MigrationError(
                f"on a temporary database made like the live one: {error}; it lacked what "
                f"could not be copied ({', '.join(left_out[:5])}): pass --scratch-url, a "
                "database the platform made (a Supabase branch, or `supabase start`'s)"
            ) from None
        with connect(url, timeouts) as scratch:
            return read_catalog(scratch, scope)


def _refuse_recorded(conn: psycopg.Connection) -> None:
    applied = _applied(conn)
    if applied:
        raise MigrationError(
            f"this database already records {len(applied)} applied migrations: it is under "
            "the runner already; run `python -m app.operators.migrate` without --baseline"
        )


def _record(conn: psycopg.Connection, migrations: Sequence[Migration], wanted: Catalog) -> None:
    ensure_bookkeeping(conn)
    for migration in migrations:
        record_applied(conn, migration, wanted.digest())

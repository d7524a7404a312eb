"""Apply the SQL migrations in `app/operators/migrations/` to a PostgreSQL database.

    python -m app.operators.migrate --database-url URL [--dry-run]
        [--lock-timeout S] [--statement-timeout S] [--connect-timeout S]
    python -m app.operators.migrate --database-url URL --baseline [--scratch-url URL2]
        [--reconcile-out FILE | --reconcile FILE]

`--baseline` brings a database the runner did not build under it (baseline.py): it
compares the live schema with what the migrations make and records them as applied when
equal; else it writes the SQL that reconciles the two (`--reconcile-out`), which
`--reconcile` applies, in one transaction, recording only when nothing differs after it.

Written here rather than taken from a library: the well-kept Python ones either
want migrations written in Python (Alembic) or record applied migrations
without checking that their files are unchanged (yoyo). This runner is small:
  - migrations apply in number order, each in its own transaction, so a failing
    one leaves no trace; a file that would end that transaction itself (BEGIN,
    COMMIT, ROLLBACK, END...) is refused before anything runs;
  - each applied migration is recorded with its SHA-256, and a run refuses to
    start when an applied migration's file has changed or gone, or when a new
    file is numbered below one already applied (it would run out of order);
  - a session advisory lock serializes concurrent runners: the second one waits,
    then finds nothing to do;
  - every wait is bounded: connecting, the wait for another runner and each
    statement by the statement timeout, and each wait for a table lock by the
    lock timeout, set anew before each file (whatever the previous one set), so a
    migration stuck behind a long transaction fails plainly (and lets go of the
    advisory lock) instead of hanging and queueing the app's queries behind its
    lock request;
  - the bookkeeping lives in its own schema, never in `public` (which Supabase
    exposes through its API).
Exit codes: 0 done or nothing to do; 1 a migration failed or was refused; 2 usage.
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import psycopg
from psycopg import sql

from app.operators import baseline_cli
from app.operators.database_url import DatabaseUrlError, redact, require_database_url
from app.operators.migration_session import Timeouts as Timeouts
from app.operators.migration_session import connect, fresh_session
from app.operators.migration_set import (
    MIGRATIONS_DIR,
    Migration,
    MigrationSetError,
    check_statements,
    discover,
)

BOOKKEEPING_SCHEMA = "crms_migrations"
LOCK_KEY = 0x43524D53_4D494752  # "CRMSMIGR": one advisory lock for all runners
_SCHEMA = sql.Identifier(BOOKKEEPING_SCHEMA)


class MigrationError(Exception):
    """A migration failed, or the applied history does not match the files."""


def pending(conn: psycopg.Connection, migrations: Sequence[Migration]) -> list[Migration]:
    """The migrations not yet applied; refuses a changed, missing or out-of-order file."""
    applied = _applied(conn)
    by_name = {migration.name: migration for migration in migrations}
    for name, checksum in applied.items():
        if name not in by_name:
            raise MigrationError(f"{name} was applied but its file is gone")
        if by_name[name].checksum != checksum:
            raise MigrationError(
                f"{name} has changed since it was applied; add a new migration instead"
            )
    new = [migration for migration in migrations if migration.name not in applied]
    if applied and new:
        last_applied = max(applied, key=lambda name: by_name[name].number)
        early = [m.name for m in new if m.number < by_name[last_applied].number]
        if early:
            raise MigrationError(
                f"{early[0]} is numbered below {last_applied}, which is already applied;"
                " renumber it after the last applied migration"
            )
    return new


def migrate(
    database_url: str, migrations: Sequence[Migration], timeouts: Timeouts | None = None
) -> list[str]:
    """Apply what is pending; returns the names applied, in order."""
    timeouts = timeouts or Timeouts()
    _check_all(migrations)
    with connect(database_url, timeouts) as conn:
        lock(conn, timeouts)
        try:
            fresh_session(conn, timeouts)
            ensure_bookkeeping(conn)
            done = []
            for migration in pending(conn, migrations):
                fresh_session(conn, timeouts)
                _apply(conn, migration)
                done.append(migration.name)
            return done
        finally:
            unlock(conn)


def lock(conn: psycopg.Connection, timeouts: Timeouts) -> None:
    """Take the runners' advisory lock, waiting at most the statement timeout: the lock
    timeout is for the migrations' own locks, set once this one is held."""
    try:
        conn.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    except psycopg.errors.QueryCanceled:
        raise MigrationError(
            f"another runner held the migration lock for over {timeouts.statement:g} s"
        ) from None


def unlock(conn: psycopg.Connection) -> None:
    if not conn.closed:
        conn.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def ensure_bookkeeping(conn: psycopg.Connection) -> None:
    """The record of applied migrations. `catalog_digest` is set on those recorded by
    `--baseline` (baseline.py): the SHA-256 of the catalog found equal to theirs."""
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(_SCHEMA))
    conn.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {}.applied ("
            " name text PRIMARY KEY, checksum text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now(), catalog_digest text)"
        ).format(_SCHEMA)
    )
    # A record made before the column existed gets it.
    conn.execute(
        sql.SQL("ALTER TABLE {}.applied ADD COLUMN IF NOT EXISTS catalog_digest text").format(
            _SCHEMA
        )
    )


def record_applied(
    conn: psycopg.Connection, migration: Migration, catalog_digest: str | None = None
) -> None:
    conn.execute(
        sql.SQL(
            "INSERT INTO {}.applied (name, checksum, catalog_digest) VALUES (%s, %s, %s)"
        ).format(_SCHEMA),
        [migration.name, migration.checksum, catalog_digest],
    )


def dry_run(
    database_url: str, migrations: Sequence[Migration], timeouts: Timeouts | None = None
) -> list[str]:
    _check_all(migrations)
    with connect(database_url, timeouts or Timeouts()) as conn:
        return [migration.name for migration in pending(conn, migrations)]


def _check_all(migrations: Sequence[Migration]) -> None:
    for migration in migrations:
        try:
            check_statements(migration)
        except MigrationSetError as error:
            raise MigrationError(str(error)) from None


def _apply(conn: psycopg.Connection, migration: Migration) -> None:
    try:
        with conn.transaction():
            # A file holds many statements: sent without parameters, as one simple query.
            conn.execute(migration.sql.encode())
            conn.execute("SET SESSION AUTHORIZATION DEFAULT")  # recorded by the runner's role
            record_applied(conn, migration)
    except psycopg.Error as error:
        detail = error.diag.message_primary or str(error)
        raise MigrationError(f"{migration.name} failed and was rolled back: {detail}") from None


def _applied(conn: psycopg.Connection) -> dict[str, str]:
    exists = conn.execute("SELECT to_regclass(%s)", [f"{BOOKKEEPING_SCHEMA}.applied"]).fetchone()
    if exists is None or exists[0] is None:
        return {}
    query = sql.SQL("SELECT name, checksum FROM {}.applied").format(_SCHEMA)
    rows = conn.execute(query).fetchall()
    return dict(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.operators.migrate", description=__doc__)
    parser.add_argument("--database-url", required=True, help="postgresql://...")
    parser.add_argument("--dry-run", action="store_true", help="list what would run")
    defaults = Timeouts()
    parser.add_argument("--lock-timeout", type=float, default=defaults.lock, metavar="S")
    parser.add_argument("--statement-timeout", type=float, default=defaults.statement, metavar="S")
    parser.add_argument("--connect-timeout", type=int, default=defaults.connect, metavar="S")
    parser.add_argument("--migrations", type=Path, default=MIGRATIONS_DIR, help=argparse.SUPPRESS)
    baseline_cli.add_options(parser)
    args = parser.parse_args(argv)
    try:
        require_database_url(args.database_url)
        timeouts = Timeouts(
            lock=args.lock_timeout, statement=args.statement_timeout, connect=args.connect_timeout
        )
        baseline_cli.check_options(args)
    except (DatabaseUrlError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        migrations = discover(args.migrations)
        if args.baseline:
            return baseline_cli.run(args, migrations, timeouts)
        if args.dry_run:
            names = dry_run(args.database_url, migrations, timeouts)
            print("\n".join(f"would apply {name}" for name in names) or "nothing to do")
        else:
            names = migrate(args.database_url, migrations, timeouts)
            print("\n".join(f"applied {name}" for name in names) or "nothing to do")
    except (MigrationError, MigrationSetError) as error:
        print(f"error: {redact(str(error), args.database_url)}", file=sys.stderr)
        return 1
    except psycopg.Error as error:
        # psycopg's messages name host and user; redact() takes out the password
        # should a message ever quote the connection string.
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        message = redact(first_line, args.database_url)
        print(f"error: cannot reach the database: {message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

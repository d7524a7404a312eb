"""Apply the SQL migrations in `app/migrations/` to a PostgreSQL database.

    python -m app.migrate --database-url URL [--dry-run]

Written here rather than taken from a library: the well-kept Python ones either
want migrations written in Python (Alembic) or record applied migrations
without checking that their files are unchanged (yoyo). This runner is small:
  - migrations apply in name order, each in its own transaction, so a failing
    one leaves no trace;
  - each applied migration is recorded with its SHA-256, and a run refuses to
    start when an applied migration's file has changed or gone;
  - a session advisory lock serializes concurrent runners: the second one waits,
    then finds nothing to do;
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

from app.migration_set import MIGRATIONS_DIR, Migration, discover

BOOKKEEPING_SCHEMA = "crms_migrations"
LOCK_KEY = 0x43524D53_4D494752  # "CRMSMIGR": one advisory lock for all runners
_SCHEMA = sql.Identifier(BOOKKEEPING_SCHEMA)


class MigrationError(Exception):
    """A migration failed, or the applied history does not match the files."""


def pending(conn: psycopg.Connection, migrations: Sequence[Migration]) -> list[Migration]:
    """The migrations not yet applied; refuses a changed or missing applied file."""
    applied = _applied(conn)
    by_name = {migration.name: migration for migration in migrations}
    for name, checksum in applied.items():
        if name not in by_name:
            raise MigrationError(f"{name} was applied but its file is gone")
        if by_name[name].checksum != checksum:
            raise MigrationError(
                f"{name} has changed since it was applied; add a new migration instead"
            )
    return [migration for migration in migrations if migration.name not in applied]


def migrate(database_url: str, migrations: Sequence[Migration]) -> list[str]:
    """Apply what is pending; returns the names applied, in order."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(_SCHEMA))
            conn.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {}.applied ("
                    " name text PRIMARY KEY, checksum text NOT NULL,"
                    " applied_at timestamptz NOT NULL DEFAULT now())"
                ).format(_SCHEMA)
            )
            done = []
            for migration in pending(conn, migrations):
                _apply(conn, migration)
                done.append(migration.name)
            return done
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def dry_run(database_url: str, migrations: Sequence[Migration]) -> list[str]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return [migration.name for migration in pending(conn, migrations)]


def _apply(conn: psycopg.Connection, migration: Migration) -> None:
    try:
        with conn.transaction():
            # A file holds many statements: sent without parameters, as one simple query.
            conn.execute(migration.sql.encode())
            conn.execute(
                sql.SQL("INSERT INTO {}.applied (name, checksum) VALUES (%s, %s)").format(_SCHEMA),
                [migration.name, migration.checksum],
            )
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
    parser = argparse.ArgumentParser(prog="python -m app.migrate", description=__doc__)
    parser.add_argument("--database-url", required=True, help="postgresql://...")
    parser.add_argument("--dry-run", action="store_true", help="list what would run")
    parser.add_argument("--migrations", type=Path, default=MIGRATIONS_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    migrations = discover(args.migrations)
    try:
        if args.dry_run:
            names = dry_run(args.database_url, migrations)
            print("\n".join(f"would apply {name}" for name in names) or "nothing to do")
        else:
            names = migrate(args.database_url, migrations)
            print("\n".join(f"applied {name}" for name in names) or "nothing to do")
    except MigrationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except psycopg.OperationalError as error:
        # psycopg's message names host and user, never the password.
        print(f"error: cannot reach the database: {error}".strip(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The migration runner's database session (app/operators/migrate.py): how long each of
its waits may last, and a session set up afresh before each migration file, so that
nothing one file sets or leaves behind reaches the next."""

from dataclasses import dataclass

import psycopg
from psycopg import sql

from app.operators.database_url import require_database_url

_DISCARD_ALL_BUT_LOCKS = (
    "CLOSE ALL",
    "DEALLOCATE ALL",
    "UNLISTEN *",
    "DISCARD PLANS",
    "DISCARD SEQUENCES",
    "DISCARD TEMP",
)


@dataclass(frozen=True, kw_only=True)
class Timeouts:
    """Bounds on every wait, in seconds. The defaults suit a schema the size of CRMS's.

    `lock` is short because a DDL statement waiting for its lock makes every later
    query on that table wait behind it: better to fail and rerun at a quiet time.
    `statement` leaves room for an index build or a backfill on a large table,
    yet ends a runaway one; it also bounds the wait for a concurrent runner.
    """

    lock: float = 10.0
    statement: float = 300.0
    connect: int = 10

    def __post_init__(self) -> None:
        for name in ("lock", "statement", "connect"):
            if getattr(self, name) <= 0:
                raise ValueError(f"the {name} timeout must be a positive number of seconds")


def connect(database_url: str, timeouts: Timeouts) -> psycopg.Connection:
    """An autocommit session to `database_url`, its statements bounded by `timeouts`."""
    require_database_url(database_url)
    # prepare_threshold=None: psycopg prepares nothing of the runner's own, so the DEALLOCATE
    # ALL between files (fresh_session) cannot pull a statement from under it.
    conn = psycopg.connect(
        database_url, autocommit=True, connect_timeout=timeouts.connect, prepare_threshold=None
    )
    conn.execute(sql.SQL("SET statement_timeout = {}").format(_milliseconds(timeouts.statement)))
    return conn


def fresh_session(conn: psycopg.Connection, timeouts: Timeouts) -> None:
    """The session as the runner set it up, whatever the previous file left.

    A plain SET inside a migration's transaction outlives its commit: `SET
    statement_timeout = 0` in one file lifted the limit for every file after it. So before
    each file: back to the login role (`SET ROLE` and `SET SESSION AUTHORIZATION` are not
    undone by RESET ALL), every setting to its default, then the runner's own bounds.
    (https://www.postgresql.org/docs/current/sql-set.html, sql-reset.html,
    sql-set-session-authorization.html)

    The rest of what a file can leave is dropped too: a temp table (temp tables come first
    in every search path, so one named `customers` took the next file's ALTER TABLE),
    prepared statements, cursors, listens, cached plans and sequence state. That is DISCARD
    ALL less its `pg_advisory_unlock_all()`, which would let go of the runner's lock
    (https://www.postgresql.org/docs/current/sql-discard.html)."""
    conn.execute("SET SESSION AUTHORIZATION DEFAULT")
    conn.execute("RESET ALL")
    for statement in _DISCARD_ALL_BUT_LOCKS:
        conn.execute(statement)
    conn.execute(sql.SQL("SET statement_timeout = {}").format(_milliseconds(timeouts.statement)))
    conn.execute(sql.SQL("SET lock_timeout = {}").format(_milliseconds(timeouts.lock)))


def _milliseconds(seconds: float) -> sql.Literal:
    return sql.Literal(max(1, round(seconds * 1000)))

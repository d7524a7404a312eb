"""The migration files: what they are and their checksums, without a database driver.

Kept apart from the runner so that the Pulumi program can read the set (for its
plan) without importing psycopg. Reading the set refuses what the runner could
not apply as written: a `.sql` file whose name does not follow the pattern
(today it would be skipped without a word), two files with one number, a
subdirectory, a file that is not UTF-8, and a file that controls its own
transaction (the runner wraps each file in one).
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pglast
from pglast import ast

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
NAME_PATTERN = r"^\d{3}_[a-z0-9_]+\.sql$"
_NAME = re.compile(NAME_PATTERN)


class MigrationSetError(Exception):
    """The migrations directory holds something the runner must not guess about."""


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    @property
    def number(self) -> int:
        return int(self.name[:3])


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Every migration in the directory, in order; dotfiles and non-SQL files are left alone."""
    migrations = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            raise MigrationSetError(f"{path.name} is a directory; migrations are files only")
        if path.suffix.lower() != ".sql":
            continue
        if not _NAME.match(path.name):
            raise MigrationSetError(
                f"{path.name} is not a migration name: three digits, an underscore,"
                " lower-case letters, digits or underscores, and '.sql' (e.g. 004_add_table.sql)"
            )
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise MigrationSetError(
                f"{path.name} is not UTF-8 (byte {error.start} cannot be decoded)"
            ) from None
        migrations.append(Migration(path.name, text))
    _refuse_duplicate_numbers(migrations)
    return migrations


def _refuse_duplicate_numbers(migrations: Sequence[Migration]) -> None:
    seen: dict[int, str] = {}
    for migration in migrations:
        if migration.number in seen:
            raise MigrationSetError(
                f"{seen[migration.number]} and {migration.name} share the number"
                f" {migration.name[:3]}; each migration needs its own"
            )
        seen[migration.number] = migration.name


def check_statements(migration: Migration) -> None:
    """Refuses a file that does not parse, or that begins, commits or rolls back a transaction.

    The runner applies each file inside a transaction of its own: a COMMIT in the
    file would make everything before it permanent even if a later statement
    fails, and a ROLLBACK would undo the file yet let it be recorded as applied.
    Found with PostgreSQL's own parser (libpg_query, through pglast) rather than
    by scanning for words, which would trip on `BEGIN ... END` inside a function
    body or on a comment, and miss `START TRANSACTION` or `ABORT`.
    """
    try:
        statements = pglast.parse_sql(migration.sql)
    except pglast.parser.ParseError as error:
        raise MigrationSetError(f"{migration.name} does not parse: {error}") from None
    for statement in statements:
        if isinstance(statement.stmt, ast.TransactionStmt):
            # libpg_query reports byte offsets into the UTF-8 text.
            text = migration.sql.encode()
            start = statement.stmt_location or 0
            end = start + statement.stmt_len if statement.stmt_len else len(text)
            words = text[start:end].decode().split()
            line = text[:start].count(b"\n") + 1
            raise MigrationSetError(
                f"{migration.name} line {line}: transaction control"
                f" ({' '.join(words[:2]).upper()}) is not allowed;"
                " the runner applies each file in one transaction of its own"
            )


def set_checksum(migrations: Sequence[Migration]) -> str:
    """One checksum of the whole set: changes whenever any migration is added or edited."""
    digest = hashlib.sha256()
    for migration in migrations:
        digest.update(f"{migration.name}:{migration.checksum}\n".encode())
    return digest.hexdigest()

"""The migration files: what they are and their checksums, without a database driver.

Kept apart from the runner so that the Pulumi program can read the set (for its
plan) without importing psycopg. Reading the set refuses what the runner could
not apply as written: a `.sql` file whose name does not follow the pattern
(today it would be skipped without a word), two files with one number, a
subdirectory, anything but a regular file, a file that is not UTF-8, holds a NUL byte
or is too large, and a file that controls its own transaction (the runner wraps each file
in one).
"""

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pglast
from pglast import ast

from stacks.input_file import InputFileError, SymbolicLinkError, read_input_file

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
NAME_PATTERN = r"[0-9]{3}_[a-z0-9_]+\.sql"
r"""ASCII digits only: `\d` also matches other scripts' digits, and int() reads them, so a
name in Arabic-Indic digits (U+0660 U+0660 U+0664) was taken for number 4, after 005."""
_NAME = re.compile(NAME_PATTERN)
MAX_MIGRATION_BYTES = 1_000_000
"""A migration is DDL written by hand (the largest today is 12 KB), not a data load; the
Schema component carries every file's text in the stack's state, and a file past this is
refused before it is read to the end (a symlink to /dev/zero exhausted memory)."""


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
    """Every migration in the directory, in order; dotfiles and non-SQL files are left alone.

    Only regular files directly in the directory are migrations: a symbolic link (which
    could point outside it, at a device, or nowhere), a FIFO (opening it waited forever)
    or a subdirectory is refused, as is a file that is not UTF-8, holds a NUL byte (the
    server reads a query up to its first NUL: the rest went unapplied, and unchecked for
    transaction control, yet recorded with the whole file's checksum) or is too large."""
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as error:
        raise MigrationSetError(f"{directory} cannot be read: {error.strerror}") from None
    migrations = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            raise MigrationSetError(f"{_shown(entry.name)} {_A_LINK}")
        if entry.is_dir(follow_symlinks=False):
            raise MigrationSetError(
                f"{_shown(entry.name)} is a directory; migrations are files only"
            )
        if not entry.name.lower().endswith(".sql"):
            continue
        if not _NAME.fullmatch(entry.name):
            raise MigrationSetError(
                f"{_shown(entry.name)} is not a migration name: three digits (0-9), an"
                " underscore, lower-case letters, digits or underscores, and '.sql'"
                " (e.g. 004_add_table.sql)"
            )
        migrations.append(Migration(entry.name, read_sql_file(Path(entry.path))))
    _refuse_duplicate_numbers(migrations)
    return migrations


_A_LINK = "is a symbolic link; migrations are regular files in the folder itself"


def _shown(name: str) -> str:
    """A file name as it may be printed: quoted and escaped unless plain printable ASCII."""
    return name if name.isascii() and name.isprintable() else ascii(name)


def read_sql_file(path: Path) -> str:
    """A SQL file's text: a regular file (opened so), UTF-8, no NUL, at most MAX_MIGRATION_BYTES."""
    try:
        data = read_input_file(path, MAX_MIGRATION_BYTES, follow_links=False)
    except SymbolicLinkError:
        raise MigrationSetError(f"{path.name} {_A_LINK}") from None
    except InputFileError as error:
        raise MigrationSetError(f"{path.name} {error}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MigrationSetError(
            f"{path.name} is not UTF-8 (byte {error.start} cannot be decoded)"
        ) from None
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise MigrationSetError(f"{path.name} line {line}: a NUL byte; SQL text holds none")
    return text


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

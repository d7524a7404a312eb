"""The migration files: what they are and their checksums, without a database driver.

Kept apart from the runner so that the Pulumi program can read the set (for its
plan) without importing psycopg.
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^\d{3}_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    files = sorted(path for path in directory.iterdir() if _NAME.match(path.name))
    return [Migration(path.name, path.read_text()) for path in files]


def set_checksum(migrations: Sequence[Migration]) -> str:
    """One checksum of the whole set: changes whenever any migration is added or edited."""
    digest = hashlib.sha256()
    for migration in migrations:
        digest.update(f"{migration.name}:{migration.checksum}\n".encode())
    return digest.hexdigest()

"""The local services the tests and the benchmarks use: a PostgreSQL database of one's
own (with Supabase's roles and auth functions, tests/app/supabase_shim.sql) and objects
seeded straight into moto. A plain module, not a conftest, so benchmarks can use it too.
"""

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
SHIM = Path(__file__).parent / "app" / "supabase_shim.sql"


def database_url(name: str) -> str:
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """A new database with the Supabase shim and nothing else; dropped afterwards."""
    name = f"crms_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with psycopg.connect(database_url(name), autocommit=True) as conn:
            conn.execute(SHIM.read_bytes())
        yield database_url(name)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


MOTO_ACCOUNT = "123456789012"  # moto's default account


def seed_objects(bucket: str, count: int, prefix: str = "vehicles/") -> None:
    """Put objects straight into moto's store: fast setup for large listings.

    The job under test still reads them over HTTP."""
    from moto.s3.models import s3_backends

    backend = s3_backends[MOTO_ACCOUNT]["aws"]
    for index in range(count):
        backend.put_object(bucket, f"{prefix}{index:06d}.jpg", b"x" * (index % 97))

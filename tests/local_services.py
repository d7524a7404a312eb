"""The local services the tests and the benchmarks use: a PostgreSQL database of one's
own (with Supabase's roles and auth functions, tests/app/supabase_shim.sql), a Redis
database per test worker, and objects seeded straight into moto. A plain module, not a
conftest, so benchmarks can use it too.
"""

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
SHIM = Path(__file__).parent / "app" / "supabase_shim.sql"


# Redis numbers its databases 0 to 15 unless redis.conf's `databases` says otherwise
# (https://github.com/redis/redis/blob/7.0/redis.conf, "databases 16"); each pytest-xdist
# worker (PYTEST_XDIST_WORKER gw0, gw1, ...) keeps its keys in the database of its number.
REDIS_DATABASES = 16


def _redis_database() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")  # gw0 outside xdist too
    number = int(worker.removeprefix("gw"))
    if number >= REDIS_DATABASES:
        raise RuntimeError(
            f"pytest worker {worker}: Redis has {REDIS_DATABASES} databases; "
            f"run at most {REDIS_DATABASES} workers (-n)"
        )
    return number


REDIS_DATABASE = _redis_database()


def redis_url(port: int = 6379, password: str = "") -> str:
    """This worker's Redis database, directly or through a proxy on `port`."""
    auth = f":{password}@" if password else ""
    return f"redis://{auth}127.0.0.1:{port}/{REDIS_DATABASE}"


REDIS_URL = redis_url()


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

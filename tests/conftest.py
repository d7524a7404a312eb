"""Shared fixtures: where the project lives, and databases of their own on the local PostgreSQL."""

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
STACKS = ("dev", "staging", "prod")


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def contract_project() -> Path:
    return REPO / "tests" / "fixtures" / "contract_project"


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


@pytest.fixture
def empty_database() -> Iterator[str]:
    with fresh_database() as url:
        yield url

"""The app's schema tests share one migrated, seeded database per module."""

from collections.abc import Iterator

import psycopg
import pytest

from app.migrate import migrate
from app.migration_set import discover
from tests.app.tenants import A, B, Seeded, seed_company
from tests.conftest import fresh_database


@pytest.fixture(scope="module")
def seeded() -> Iterator[Seeded]:
    """A migrated database with one row per tenant table for each of two companies."""
    with fresh_database() as url:
        migrate(url, discover())
        with psycopg.connect(url, autocommit=True) as conn:
            rows = {company: seed_company(conn, company) for company in (A, B)}
        yield url, rows

"""The app's tests share one migrated, seeded database per module, and the drain tests
one way to run the app with a metrics namespace (and replay record) of their own."""

import logging
from collections.abc import Iterator

import psycopg
import pytest

from app.operators.migrate import migrate
from app.operators.migration_set import discover
from tests.app import drain_payloads as payloads
from tests.app.running_app import running_app
from tests.app.stand_ins import status_page
from tests.app.tenants import A, B, Seeded, seed_company
from tests.local_services import fresh_database


@pytest.fixture(scope="module")
def seeded() -> Iterator[Seeded]:
    """A migrated database with one row per tenant table for each of two companies."""
    with fresh_database() as url:
        migrate(url, discover())
        with psycopg.connect(url, autocommit=True) as conn:
            rows = {company: seed_company(conn, company) for company in (A, B)}
        yield url, rows


@pytest.fixture
def namespace(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:  # noqa: ARG001
    """The drain's environment (moto for CloudWatch, a local status page): its namespace."""
    with payloads.drain_environment(monkeypatch) as name, status_page(200) as status_url:
        monkeypatch.setenv("STRIPE_STATUS_URL", status_url)
        yield name


@pytest.fixture
def app_url(namespace: str, caplog: pytest.LogCaptureFixture) -> Iterator[str]:  # noqa: ARG001
    """The app running in that environment, every log record captured."""
    caplog.set_level(logging.DEBUG)
    with running_app() as url:
        yield url

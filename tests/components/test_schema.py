"""Migrations on `pulumi up`: the provider against a real PostgreSQL, the component on mocks."""

from typing import Any

import psycopg

from app.operators.migration_set import discover, set_checksum
from components.schema import MigrationsProvider
from crms_infra.offline.engine import plan_stack
from tests.conftest import REPO
from tests.helpers import inputs_of


def props(url: str, extra: dict[str, str] | None = None) -> dict[str, Any]:
    migrations = {m.name: m.sql for m in discover()} | (extra or {})
    return {"database_url": url, "migrations": migrations, "checksum": str(sorted(migrations))}


def test_create_applies_the_set_and_update_applies_only_what_is_new(empty_database: str) -> None:
    provider = MigrationsProvider()
    created = provider.create(props(empty_database))
    assert created.outs is not None
    assert created.outs["newly_applied"] == [m.name for m in discover()]
    new = props(empty_database, {"004_loyalty.sql": "ALTER TABLE public.customers ADD points int;"})
    assert provider.diff(created.id, created.outs, new).changes is True
    updated = provider.update(created.id, created.outs, new)
    assert updated.outs is not None
    assert updated.outs["newly_applied"] == ["004_loyalty.sql"]
    with psycopg.connect(empty_database) as conn:
        row = conn.execute("SELECT count(*) FROM crms_migrations.applied").fetchone()
    assert row == (4,)


def test_diff_rules() -> None:
    provider = MigrationsProvider()
    old = props("postgresql://a")
    assert provider.diff("id", old, dict(old)).changes is False
    assert provider.diff("id", old, props("postgresql://b")).replaces == ["database_url"]


def test_delete_keeps_the_schema(empty_database: str) -> None:
    provider = MigrationsProvider()
    created = provider.create(props(empty_database))
    provider.delete(created.id, created.outs or {})
    with psycopg.connect(empty_database) as conn:
        row = conn.execute("SELECT to_regclass('public.contracts') IS NOT NULL").fetchone()
    assert row == (True,)


def test_plan_carries_the_migration_set_after_the_database() -> None:
    plan = plan_stack(REPO, "staging")
    resources = {r["name"]: r for r in plan["resources"]}
    migrations = resources["schema-migrations"]
    assert inputs_of(migrations)["database_url"] == "[secret]"
    assert sorted(inputs_of(migrations)["migrations"]) == [m.name for m in discover()]
    assert inputs_of(migrations)["checksum"] == set_checksum(discover())
    assert resources["database-project"]["urn"] in resources["schema"]["dependencies"]
    assert plan["outputs"]["schemaChecksum"] == set_checksum(discover())

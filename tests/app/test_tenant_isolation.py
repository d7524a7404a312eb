"""One company can never see or touch another's data, on a real PostgreSQL.

Every table of `public` is held to the catalogue: a new table must appear in
TENANT_TABLES (and the seed) or `test_every_public_table_is_listed` fails, so
none can slip through these tests.
"""

import json
import uuid

import psycopg
import pytest
from psycopg import errors, sql

from app.operators.migration_set import MIGRATIONS_DIR
from tests.app.tenants import TENANT_TABLES, A, B, Seeded, acting_as, key_column, member_of


def test_every_public_table_is_listed_and_forces_rls(
    seeded: Seeded,
) -> None:
    url, _ = seeded
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class"
            " WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY relname"
        ).fetchall()
    assert sorted(name for name, _, _ in tables) == sorted(TENANT_TABLES)
    assert all(enabled and forced for _, enabled, forced in tables)


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_member_sees_only_its_own_company(seeded: Seeded, table: str) -> None:
    url, rows = seeded
    with acting_as(url, "authenticated", member_of(rows, A)) as conn:
        query = sql.SQL("SELECT {}::text FROM public.{}").format(
            sql.Identifier(key_column(table)), sql.Identifier(table)
        )
        owners = {owner for (owner,) in conn.execute(query).fetchall()}
    assert owners == {rows[A]["companies"]}


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_member_cannot_update_or_delete_another_company(seeded: Seeded, table: str) -> None:
    url, rows = seeded
    target = rows[B][table]
    statements = [
        sql.SQL("UPDATE public.{} SET created_at = now() WHERE id = %s"),
        sql.SQL("DELETE FROM public.{} WHERE id = %s"),
    ]
    for statement in statements:
        with acting_as(url, "authenticated", member_of(rows, A)) as conn:
            try:
                touched = conn.execute(statement.format(sql.Identifier(table)), [target]).rowcount
            except errors.InsufficientPrivilege:
                touched = 0  # no grant at all is a refusal too
        assert touched == 0, statement
    with psycopg.connect(url) as conn:
        query = sql.SQL("SELECT count(*) FROM public.{} WHERE id = %s")
        row = conn.execute(query.format(sql.Identifier(table)), [target]).fetchone()
    assert row == (1,)


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_member_cannot_insert_a_row_claiming_another_company(seeded: Seeded, table: str) -> None:
    url, rows = seeded
    # A copy of the member's own row, relabelled as company B's.
    overrides = {"id": str(uuid.uuid4()), key_column(table): rows[B]["companies"]}
    query = sql.SQL(
        "INSERT INTO public.{t} SELECT (jsonb_populate_record(NULL::public.{t},"
        " to_jsonb(own) || %s::jsonb)).* FROM public.{t} own WHERE own.id = %s"
    ).format(t=sql.Identifier(table))
    with (
        acting_as(url, "authenticated", member_of(rows, A)) as conn,
        pytest.raises(errors.InsufficientPrivilege),
    ):
        conn.execute(query, [json.dumps(overrides), rows[A][table]])


@pytest.mark.parametrize("table", [t for t in TENANT_TABLES if t != "companies"])
def test_member_cannot_move_its_row_to_another_company(seeded: Seeded, table: str) -> None:
    url, rows = seeded
    query = sql.SQL("UPDATE public.{} SET company_id = %s WHERE id = %s").format(
        sql.Identifier(table)
    )
    with (
        acting_as(url, "authenticated", member_of(rows, A)) as conn,
        pytest.raises(errors.InsufficientPrivilege),
    ):
        conn.execute(query, [rows[B]["companies"], rows[A][table]])


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_anon_sees_nothing(seeded: Seeded, table: str) -> None:
    url, _ = seeded
    with (
        acting_as(url, "anon", {"role": "anon"}) as conn,
        pytest.raises(errors.InsufficientPrivilege),
    ):
        conn.execute(sql.SQL("SELECT * FROM public.{}").format(sql.Identifier(table)))


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_service_role_sees_every_company(seeded: Seeded, table: str) -> None:
    url, rows = seeded
    with acting_as(url, "service_role", {"role": "service_role"}) as conn:
        query = sql.SQL("SELECT id::text FROM public.{}").format(sql.Identifier(table))
        ids = {row_id for (row_id,) in conn.execute(query).fetchall()}
    assert {rows[A][table], rows[B][table]} <= ids


def test_member_without_company_claim_sees_nothing(
    seeded: Seeded,
) -> None:
    url, _ = seeded
    with acting_as(url, "authenticated", {"role": "authenticated"}) as conn:
        row = conn.execute("SELECT count(*) FROM public.vehicles").fetchone()
    assert row == (0,)


def test_no_tenant_session_writes_or_reads_a_large_object(seeded: Seeded) -> None:
    """Large objects have no row-level security and every tenant runs as `authenticated`:
    one tenant's large object was readable by the others (issue 26, case 8)."""
    url, rows = seeded
    with (
        acting_as(url, "authenticated", member_of(rows, A)) as conn,
        pytest.raises(errors.InsufficientPrivilege),
    ):
        conn.execute("SELECT lo_from_bytea(0, 'contract scan of A')")
    with psycopg.connect(url, autocommit=True) as admin:
        row = admin.execute("SELECT lo_from_bytea(0, 'operator file')").fetchone()
    assert row is not None
    try:
        with (
            acting_as(url, "authenticated", member_of(rows, B)) as conn,
            pytest.raises(errors.InsufficientPrivilege),
        ):
            conn.execute("SELECT lo_get(%s)", [row[0]])
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("SELECT lo_unlink(%s)", [row[0]])


def test_a_member_reads_its_audit_entries_but_not_their_global_ids(seeded: Seeded) -> None:
    """The ids come from one sequence for every company: their gaps counted the others'
    changes (issue 26, case 8)."""
    url, rows = seeded
    with acting_as(url, "authenticated", member_of(rows, A)) as conn:
        entries = conn.execute("SELECT DISTINCT company_id FROM audit.log").fetchall()
    assert entries == [(uuid.UUID(rows[A]["companies"]),)]
    with (
        acting_as(url, "authenticated", member_of(rows, A)) as conn,
        pytest.raises(errors.InsufficientPrivilege),
    ):
        conn.execute("SELECT id FROM audit.log")


def test_closing_large_objects_does_not_fail_without_a_superuser(seeded: Seeded) -> None:
    """Supabase runs migrations as `postgres`, no superuser: there the block only warns."""
    url, _ = seeded
    text = (MIGRATIONS_DIR / "001_initial_schema.sql").read_text()
    block = text[text.index("DO $$\nDECLARE\n  large_object_function") :]
    login = f"migrator_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(login)))
    try:
        with psycopg.connect(url.replace("postgres@", f"{login}@"), autocommit=True) as conn:
            warnings: list[str] = []
            conn.add_notice_handler(lambda notice: warnings.append(str(notice.message_primary)))
            conn.execute(block.encode())
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(login)))
    assert warnings == ["large objects stay open to the API roles: only a superuser can close them"]

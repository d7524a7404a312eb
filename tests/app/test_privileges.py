"""What each API role may do to each object, read from the catalogue of the migrated schema.

The shim gives the API roles Supabase's default privileges (ALL on whatever is
created in public), so these tables are what a real project would hold. Every
table, sequence and function in the schemas the migrations create must be
declared here: a new one without a declaration fails, so no object's
privileges go unreviewed. Checked with PostgreSQL's access-privilege inquiry
functions (https://www.postgresql.org/docs/current/functions-info.html#FUNCTIONS-INFO-ACCESS-TABLE).
"""

import psycopg
import pytest
from psycopg import errors, sql

from tests.app.tenants import TENANT_TABLES, A, Seeded, acting_as, member_of
from tests.local_services import SHIM

API_ROLES = ("anon", "authenticated", "service_role")
SCHEMAS = ("public", "audit", "private")
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
READ_WRITE = {"SELECT", "INSERT", "UPDATE", "DELETE"}
NOTHING: set[str] = set()

DECLARED_TABLES: dict[str, dict[str, set[str]]] = {
    "public.companies": {
        "anon": NOTHING,
        "authenticated": {"SELECT", "UPDATE"},
        "service_role": READ_WRITE,
    },
    **{
        f"public.{table}": {
            "anon": NOTHING,
            "authenticated": READ_WRITE,
            "service_role": READ_WRITE,
        }
        for table in TENANT_TABLES
        if table != "companies"
    },
    # authenticated reads audit.log's columns but id (DECLARED_COLUMNS), not the table.
    "audit.log": {"anon": NOTHING, "authenticated": NOTHING, "service_role": {"SELECT"}},
}
AUDIT_COLUMNS = ("table_name", "row_id", "company_id", "action", "actor", "actor_role",
                 "changed_at", "old_row", "new_row")  # fmt: skip
DECLARED_COLUMNS: dict[str, dict[str, set[str]]] = {
    "audit.log": {"authenticated": set(AUDIT_COLUMNS)},
}
DECLARED_SEQUENCES: dict[str, dict[str, set[str]]] = {
    "audit.log_id_seq": {role: NOTHING for role in API_ROLES},
}
# Trigger functions only: no API role may call them (audit.record_change is
# SECURITY DEFINER, so EXECUTE on it would let a caller write the audit log).
DECLARED_FUNCTIONS: dict[str, dict[str, bool]] = {
    "audit.record_change()": {role: False for role in API_ROLES},
    "private.guard_staff_change()": {role: False for role in API_ROLES},
}


def catalogue(url: str, query: str, *privileges: str) -> list[tuple[str, str, bool]]:
    """(object, role, held) for every object the query lists and each API role.

    The query's parameters: the schemas, the API roles, then the privileges if given."""
    params: list[list[str]] = [list(SCHEMAS), list(API_ROLES)]
    with psycopg.connect(url) as conn:
        cursor = conn.execute(query, [*params, *([list(privileges)] if privileges else [])])
        rows = cursor.fetchall()
    return [(str(name), str(role), bool(held)) for name, role, held in rows]


def held_by_role(rows: list[tuple[str, str, bool]]) -> dict[str, dict[str, set[str]]]:
    held: dict[str, dict[str, set[str]]] = {}
    for name, role_and_privilege, granted in rows:
        role, privilege = role_and_privilege.split(":")
        privileges = held.setdefault(name, {r: set() for r in API_ROLES})[role]
        if granted:
            privileges.add(privilege)
    return held


def test_table_privileges_are_exactly_as_declared(seeded: Seeded) -> None:
    url, _ = seeded
    rows = catalogue(
        url,
        "SELECT s.nsp || '.' || c.relname, r || ':' || p, has_table_privilege(r, c.oid, p)"
        " FROM pg_class c, unnest(%s::text[]) AS s(nsp), unnest(%s::text[]) AS r,"
        " unnest(%s::text[]) AS p"
        " WHERE c.relnamespace = s.nsp::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
        *TABLE_PRIVILEGES,
    )
    held = held_by_role(rows)
    assert sorted(held) == sorted(DECLARED_TABLES), "declare every table's privileges here"
    assert held == DECLARED_TABLES


def test_sequence_privileges_are_exactly_as_declared(seeded: Seeded) -> None:
    url, _ = seeded
    rows = catalogue(
        url,
        "SELECT s.nsp || '.' || c.relname, r || ':' || p, has_sequence_privilege(r, c.oid, p)"
        " FROM pg_class c, unnest(%s::text[]) AS s(nsp), unnest(%s::text[]) AS r,"
        " unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) AS p"
        " WHERE c.relnamespace = s.nsp::regnamespace AND c.relkind = 'S'",
    )
    assert held_by_role(rows) == DECLARED_SEQUENCES


def test_function_privileges_are_exactly_as_declared(seeded: Seeded) -> None:
    url, _ = seeded
    rows = catalogue(
        url,
        "SELECT format('%%s.%%s(%%s)', s.nsp, f.proname,"
        " pg_get_function_identity_arguments(f.oid)),"
        " r, has_function_privilege(r, f.oid, 'EXECUTE')"
        " FROM pg_proc f, unnest(%s::text[]) AS s(nsp), unnest(%s::text[]) AS r"
        " WHERE f.pronamespace = s.nsp::regnamespace",
    )
    held: dict[str, dict[str, bool]] = {}
    for name, role, granted in rows:
        held.setdefault(name, {})[role] = granted
    assert held == DECLARED_FUNCTIONS


def test_column_privileges_are_exactly_as_declared(seeded: Seeded) -> None:
    """Columns an API role may read without the table-level privilege (has_column_privilege
    is also true for every column of a table it may read: those are left out)."""
    url, _ = seeded
    rows = catalogue(
        url,
        "SELECT s.nsp || '.' || c.relname, r || ':' || a.attname,"
        " has_column_privilege(r, c.oid, a.attnum, 'SELECT')"
        " AND NOT has_table_privilege(r, c.oid, 'SELECT')"
        " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0"
        " AND NOT a.attisdropped, unnest(%s::text[]) AS s(nsp), unnest(%s::text[]) AS r"
        " WHERE c.relnamespace = s.nsp::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
    )
    held: dict[str, dict[str, set[str]]] = {}
    for name, role_and_column, granted in rows:
        role, column = role_and_column.split(":")
        if granted:
            held.setdefault(name, {}).setdefault(role, set()).add(column)
    assert held == DECLARED_COLUMNS


def test_no_api_role_may_use_large_objects(seeded: Seeded) -> None:
    """Every large-object function of pg_catalog, by name (what a newer PostgreSQL adds
    is found too), is closed to the API roles, the fast path included."""
    url, _ = seeded
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT f.oid::regprocedure::text, r FROM pg_proc f, unnest(%s::text[]) AS r"
            " WHERE f.pronamespace = 'pg_catalog'::regnamespace"
            " AND (f.proname LIKE 'lo\\_%%' OR f.proname IN ('loread', 'lowrite'))"
            " AND has_function_privilege(r, f.oid, 'EXECUTE')",
            [list(API_ROLES)],
        ).fetchall()
        count = conn.execute(
            "SELECT count(*) FROM pg_proc WHERE proname IN ('lo_create', 'lo_get', 'loread')"
        ).fetchone()
    assert count == (4,)  # lo_get has two forms: the query above sees them
    assert rows == []


def test_the_shim_gives_new_public_tables_supabase_default_privileges(seeded: Seeded) -> None:
    """Without this the matrix above would prove nothing: the defaults are what it guards."""
    url, _ = seeded
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE public.scratch (id int)")
        row = conn.execute(
            "SELECT bool_and(has_table_privilege(r, 'public.scratch', p))"
            " FROM unnest(%s::text[]) AS r, unnest(%s::text[]) AS p",
            [list(API_ROLES), list(TABLE_PRIVILEGES)],
        ).fetchone()
        conn.rollback()
    assert row == (True,)


def test_the_shim_changes_no_shared_role_already_as_wanted(empty_database: str) -> None:
    """Roles are cluster-wide, shared with every other test run on this server. The shim
    ran ALTER ROLE service_role for each new database, and two runs doing it at once failed
    one at setup ("tuple concurrently updated"). Counted in this transaction's own
    statistics, which no other run can move."""
    with psycopg.connect(empty_database) as conn:
        conn.execute(SHIM.read_bytes())
        changed = conn.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_sys_tables"
            " WHERE relname IN ('pg_authid', 'pg_auth_members')"
        ).fetchall()
        bypass = conn.execute(
            "SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role'"
        ).fetchone()
        conn.rollback()
    assert dict(changed) == {"pg_authid": 0, "pg_auth_members": 0}
    assert bypass == (True,)


@pytest.mark.parametrize("role", API_ROLES)
@pytest.mark.parametrize("table", [*(f"public.{t}" for t in TENANT_TABLES), "audit.log"])
def test_no_api_role_can_truncate(seeded: Seeded, role: str, table: str) -> None:
    url, rows = seeded
    claims = member_of(rows, A, "owner") if role == "authenticated" else {"role": role}
    schema, name = table.split(".")
    with acting_as(url, role, claims) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute(sql.SQL("TRUNCATE {}.{} CASCADE").format(*map(sql.Identifier, (schema, name))))


def test_a_member_cannot_delete_its_own_company(seeded: Seeded) -> None:
    url, rows = seeded
    with (
        acting_as(url, "authenticated", member_of(rows, A, "owner")) as conn,
        pytest.raises(errors.InsufficientPrivilege),
    ):
        conn.execute("DELETE FROM public.companies WHERE id = %s", [rows[A]["companies"]])


def test_policies_read_the_claim_once_per_statement(seeded: Seeded) -> None:
    """Supabase's linter rule 0003_auth_rls_initplan, as its SQL states it
    (supabase/splinter, lints/0003_auth_rls_initplan.sql, commit 55db5b1f): an
    auth.<function>() or current_setting() call in a policy not inside a sub-select."""
    url, _ = seeded
    with psycopg.connect(url) as conn:
        policies = conn.execute(
            "SELECT schemaname, tablename, policyname, coalesce(qual, ''),"
            " coalesce(with_check, '') FROM pg_policies WHERE schemaname = ANY(%s)",
            [list(SCHEMAS)],
        ).fetchall()
    assert len(policies) == 8
    calls = ["auth.uid()", "auth.jwt()", "auth.role()", "auth.email()", "current_setting("]
    for schema, table, policy, *expressions in policies:
        for expression in expressions:
            for call in calls:
                bare = call in expression and f"select {call}" not in expression.lower()
                assert not bare, f"{schema}.{table} {policy} calls {call} per row"


def test_every_function_pins_its_search_path(seeded: Seeded) -> None:
    """Supabase's rule 0011_function_search_path_mutable, for our own functions."""
    url, _ = seeded
    with psycopg.connect(url) as conn:
        unpinned = conn.execute(
            "SELECT oid::regprocedure::text FROM pg_proc WHERE pronamespace::regnamespace::text"
            " = ANY(%s) AND NOT coalesce(proconfig, '{}') && ARRAY['search_path=\"\"']",
            [list(SCHEMAS)],
        ).fetchall()
    assert unpinned == []


def test_api_roles_cannot_use_or_create_in_the_private_schemas(seeded: Seeded) -> None:
    url, _ = seeded
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT bool_or(has_schema_privilege(r, 'private', 'USAGE'))"
            " OR bool_or(has_schema_privilege(r, s, 'CREATE'))"
            " FROM unnest(%s::text[]) AS r, unnest(%s::text[]) AS s",
            [list(API_ROLES), list(SCHEMAS)],
        ).fetchone()
    assert row == (False,)

"""The scratch database the migrations are applied to, to compare the live one with.

Given (`--scratch-url`), it is used as it is: a database the platform made, such as a
Supabase branch or `supabase start`'s, where the migrations run as they do on a project.

Otherwise the runner creates a temporary database on the live one's server and drops it
afterwards. A new database is a copy of template1 (https://www.postgresql.org/docs/
current/manage-ag-templatedbs.html), without what a Supabase project has before any
migration runs; roles belong to the server, so they are there already. The rest is copied
from the live database, never from a list kept here:
  - every schema outside the migrations' (auth, extensions, storage...), empty;
  - the extensions installed there, each where it is (the same server has them all);
  - the functions of those schemas (auth.uid(), auth.jwt()...), with their bodies
    unchecked (`check_function_bodies = off`): a policy names them, nothing calls them;
  - the runner role's default privileges, which decide what a new table in public grants
    (Supabase's init grants every API role everything there).
What cannot be made there (an extension only a superuser may create, a function over a
type the copy lacks) is left out and named should the migrations then fail.
"""

import contextlib
import secrets
from collections.abc import Iterator

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from app.operators.catalog import Scope
from app.operators.catalog_queries import not_in_extension

_SYSTEM_SCHEMAS = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"
_DEFAULT_OBJECTS = {"r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS", "T": "TYPES", "n": "SCHEMAS"}


@contextlib.contextmanager
def temporary_database(live_url: str, connect_timeout: int) -> Iterator[str]:
    """A new database on the live one's server, dropped on the way out whatever happens."""
    name = f"crms_baseline_{secrets.token_hex(6)}"
    with psycopg.connect(live_url, autocommit=True, connect_timeout=connect_timeout) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_conninfo(live_url, dbname=name)
    finally:
        with psycopg.connect(live_url, autocommit=True, connect_timeout=connect_timeout) as conn:
            # FORCE ends any session left on it (PostgreSQL 13 and later, sql-dropdatabase.html).
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def same_database(first: str, second: str) -> bool:
    """Whether two URLs name one database (host, port and name; users may differ)."""
    a, b = conninfo_to_dict(first), conninfo_to_dict(second)
    keys = ("host", "hostaddr", "port", "dbname")
    return all(str(a.get(key) or "") == str(b.get(key) or "") for key in keys)


def copy_platform(live: psycopg.Connection, scratch: psycopg.Connection, scope: Scope) -> list[str]:
    """Make the scratch database as the platform made the live one; returns what it left out."""
    outside = [*scope.schemas, "crms_migrations"]
    left_out = []
    schema_rows = live.execute(
        f"SELECT n.nspname FROM pg_namespace n WHERE {_SYSTEM_SCHEMAS}"  # noqa: S608 (constants)
        f" AND n.nspname <> ALL(%s) AND {not_in_extension('pg_namespace', 'n.oid')}",
        [outside],
    ).fetchall()
    platform = [name for (name,) in schema_rows]
    for name in platform:
        scratch.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(name)))
    extensions = live.execute(
        "SELECT x.extname, n.nspname FROM pg_extension x JOIN pg_namespace n"
        " ON n.oid = x.extnamespace WHERE x.extname <> ALL(%s) AND x.extname <> 'plpgsql'",
        [list(scope.extensions)],
    ).fetchall()
    for extension, schema in extensions:
        statement = sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(extension))
        if schema in platform or schema == "public":
            statement = sql.SQL("{} WITH SCHEMA {}").format(statement, sql.Identifier(schema))
        if not _attempt(scratch, statement):
            left_out.append(f"extension {extension}")
    functions = live.execute(
        "SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) FROM pg_proc p"  # noqa: S608
        " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY(%s)"
        f" AND p.prokind IN ('f', 'p') AND {not_in_extension('pg_proc', 'p.oid')}",
        [platform],
    ).fetchall()
    scratch.execute("SET check_function_bodies = off")
    for signature, definition in functions:
        if not _attempt(scratch, str(definition).encode()):
            left_out.append(f"function {signature}")
    scratch.execute("RESET check_function_bodies")
    for statement in _default_privileges(live):
        scratch.execute(statement)
    return left_out


def _attempt(conn: psycopg.Connection, statement: sql.Composed | bytes) -> bool:
    try:
        with conn.transaction():
            conn.execute(statement)
    except psycopg.Error:
        return False
    return True


def _default_privileges(live: psycopg.Connection) -> list[sql.Composed]:
    """The runner role's default privileges as statements. A global entry replaces the
    built-in default, so it starts by revoking that; a schema's adds to it."""
    rows = live.execute(
        "SELECT d.defaclobjtype::text, n.nspname, a.privilege_type, a.is_grantable,"
        " CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END"
        " FROM pg_default_acl d JOIN pg_roles me ON me.oid = d.defaclrole"
        " LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace"
        " CROSS JOIN LATERAL aclexplode(d.defaclacl) AS a"
        " WHERE me.rolname = current_user ORDER BY 1, 2, 3, 5"
    ).fetchall()
    statements: list[sql.Composed] = []
    replaced = set()
    for objtype, schema, privilege, grantable, grantee in rows:
        prefix = sql.Composed([sql.SQL("ALTER DEFAULT PRIVILEGES")])
        objects = sql.SQL(_DEFAULT_OBJECTS[objtype])
        if schema is not None:
            prefix = sql.SQL("{} IN SCHEMA {}").format(prefix, sql.Identifier(schema))
        elif objtype not in replaced:
            replaced.add(objtype)
            statements.append(
                sql.SQL("{} REVOKE ALL ON {} FROM PUBLIC, CURRENT_USER").format(prefix, objects)
            )
        role = sql.SQL("PUBLIC") if grantee is None else sql.Identifier(grantee)
        option = sql.SQL(" WITH GRANT OPTION" if grantable else "")
        statements.append(
            sql.SQL("{} GRANT {} ON {} TO {}{}").format(
                prefix, sql.SQL(privilege), objects, role, option
            )
        )
    return statements

"""The pg_catalog queries behind `catalog.py`, one per kind of object, each with how a row
becomes an entry. Run with an empty search_path (names print schema-qualified); each takes
`%(schemas)s` (what the migrations own) and `%(extensions)s` (the extensions they create).
Catalogs: https://www.postgresql.org/docs/current/catalogs.html.

The queries are joined from this module's own constants only (ruff's S608 cannot tell);
every value reaches the server as a parameter."""
# ruff: noqa: S608

from collections.abc import Callable
from dataclasses import dataclass
from typing import LiteralString

from pydantic import JsonValue

from app.operators.catalog_entry import Entry


def _role(oid: LiteralString) -> LiteralString:
    """A role as SQL names it: PUBLIC, CURRENT_USER for the reading role, else quoted."""
    return (
        f"CASE WHEN {oid} = 0 THEN 'PUBLIC' WHEN {oid} = (SELECT me.oid FROM pg_roles me"
        f" WHERE me.rolname = current_user) THEN 'CURRENT_USER'"
        f" ELSE quote_ident(pg_get_userbyid({oid})) END"
    )


def _grants(acl: LiteralString) -> LiteralString:
    """role -> its privileges, sorted; 'WITH GRANT OPTION' marks one it may grant on."""
    privilege: LiteralString = (
        "a.privilege_type || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END"
    )
    return (
        "(SELECT coalesce(jsonb_object_agg(g.grantee, g.privileges), '{}'::jsonb) FROM ("
        f" SELECT {_role('a.grantee')} AS grantee,"
        f" jsonb_agg(DISTINCT {privilege} ORDER BY {privilege}) AS privileges"
        f" FROM aclexplode({acl}) AS a GROUP BY 1) AS g)"
    )


def not_in_extension(catalog: LiteralString, oid: LiteralString) -> LiteralString:
    """Not a member of an extension (the extension is compared by name instead)."""
    return (
        f"NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '{catalog}'::regclass"
        f" AND e.objid = {oid} AND e.deptype = 'e')"
    )


_IN_SCOPE: LiteralString = "n.nspname = ANY(%(schemas)s)"
_RELATION_KINDS = {"r": "table", "p": "table", "f": "foreign table", "v": "view",
                   "m": "materialized view", "S": "sequence"}  # fmt: skip
_POLICY_COMMANDS = {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE", "*": "ALL"}
_IDENTITY = {"a": "ALWAYS", "d": "BY DEFAULT"}

Row = tuple[JsonValue, ...]


@dataclass(frozen=True)
class Query:
    sql: LiteralString
    entry: Callable[[Row], Entry]


def _schema(row: Row) -> Entry:
    name, owner, grants = row
    # `public` is made with the database and its privileges are the platform's: only the
    # objects in it are the migrations'.
    props = {} if name == "public" else {"owner": owner, "grants": grants}
    return Entry("schema", str(name), props)


def _type(row: Row) -> Entry:
    key, owner, typtype, definition, grants = row
    kind = "enum" if typtype == "e" else "domain"
    return Entry("type", str(key), {"owner": owner, kind: definition, "grants": grants})


def _relation(row: Row) -> Entry:
    key, relkind, owner, rls, forced, grants, options, definition, owned_by = row
    kind = _RELATION_KINDS[str(relkind)]
    props: dict[str, JsonValue] = {"owner": owner, "grants": grants, "options": options}
    if kind == "table":
        props |= {"row level security": rls, "forced row level security": forced}
    elif kind == "sequence":
        props["owned by"] = owned_by
    elif definition is not None:
        props["definition"] = definition
    return Entry(kind, str(key), props)


def _column(row: Row) -> Entry:
    table, name, position, type_, not_null, default, identity, generated, collation, grants = row
    props: dict[str, JsonValue] = {
        "type": type_,
        "not null": not_null,
        "default": None if generated else default,
        "identity": _IDENTITY.get(str(identity)),
        "generated": default if generated else None,
        "collation": collation,
        "grants": grants,
    }
    return Entry("column", f"{table}.{name}", props, str(table), str(name), int(str(position)))


def _on_table(kind: str, *names: str) -> Callable[[Row], Entry]:
    def entry(row: Row) -> Entry:
        table, name, *values = row
        return Entry(kind, f"{table}.{name}", dict(zip(names, values, strict=True)),
                     str(table), str(name))  # fmt: skip

    return entry


def _policy(row: Row) -> Entry:
    table, name, command, permissive, roles, using, check = row
    props: dict[str, JsonValue] = {
        "command": _POLICY_COMMANDS[str(command)],
        "as": "PERMISSIVE" if permissive else "RESTRICTIVE",
        "roles": roles,
        "using": using,
        "with check": check,
    }
    return Entry("policy", f"{table}.{name}", props, str(table), str(name))


# Where no privilege was ever granted or revoked the ACL is NULL: acldefault gives the
# built-in one (owner all; PUBLIC EXECUTE on functions, USAGE on types).
_SCHEMA_GRANTS = _grants("coalesce(n.nspacl, acldefault('n', n.nspowner))")
_TYPE_GRANTS = _grants("coalesce(t.typacl, acldefault('T', t.typowner))")
_RELATION_GRANTS = _grants(
    "coalesce(c.relacl, acldefault("
    "CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::\"char\", c.relowner))"
)
_COLUMN_GRANTS = _grants("a.attacl")  # none given: NULL, no rows
_FUNCTION_GRANTS = _grants("coalesce(p.proacl, acldefault('f', p.proowner))")

QUERIES = (
    Query(
        f"SELECT quote_ident(n.nspname), {_role('n.nspowner')},"
        f" {_SCHEMA_GRANTS}"
        f" FROM pg_namespace n WHERE {_IN_SCOPE}",
        _schema,
    ),
    Query(
        "SELECT quote_ident(x.extname), quote_ident(n.nspname) FROM pg_extension x"
        " JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = ANY(%(extensions)s)",
        lambda row: Entry("extension", str(row[0]), {"schema": row[1]}),
    ),
    Query(
        f"SELECT t.oid::regtype::text, {_role('t.typowner')}, t.typtype,"
        " CASE t.typtype WHEN 'e' THEN 'ENUM (' || (SELECT string_agg(quote_literal("
        "  l.enumlabel), ', ' ORDER BY l.enumsortorder) FROM pg_enum l WHERE l.enumtypid = t.oid)"
        "  || ')' ELSE format_type(t.typbasetype, t.typtypmod)"
        "  || coalesce(' DEFAULT ' || t.typdefault, '')"
        "  || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END"
        "  || coalesce((SELECT string_agg(' CONSTRAINT ' || quote_ident(k.conname) || ' '"
        "  || pg_get_constraintdef(k.oid), '' ORDER BY k.conname) FROM pg_constraint k"
        "  WHERE k.contypid = t.oid AND k.contype = 'c'), '') END,"
        f" {_TYPE_GRANTS}"
        " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
        f" WHERE {_IN_SCOPE} AND t.typtype IN ('e', 'd')"
        f" AND {not_in_extension('pg_type', 't.oid')}",
        _type,
    ),
    Query(
        f"SELECT c.oid::regclass::text, c.relkind, {_role('c.relowner')}, c.relrowsecurity,"
        f" c.relforcerowsecurity, {_RELATION_GRANTS}, to_jsonb(c.reloptions),"
        " CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,"
        " (SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname) FROM pg_depend d"
        "  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
        "  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid"
        "  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1)"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        f" WHERE {_IN_SCOPE} AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')"
        f" AND {not_in_extension('pg_class', 'c.oid')}",
        _relation,
    ),
    Query(
        "SELECT c.oid::regclass::text, quote_ident(a.attname), a.attnum,"
        " format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),"
        " a.attidentity, a.attgenerated <> '',"
        " CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END,"
        f" {_COLUMN_GRANTS}"
        " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid"
        " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
        f" WHERE {_IN_SCOPE} AND c.relkind IN ('r', 'p', 'f') AND a.attnum > 0"
        f" AND NOT a.attisdropped AND {not_in_extension('pg_class', 'c.oid')}",
        _column,
    ),
    Query(
        "SELECT k.conrelid::regclass::text, quote_ident(k.conname), k.contype,"
        " pg_get_constraintdef(k.oid) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        f" WHERE {_IN_SCOPE} AND k.contype IN ('p', 'u', 'f', 'c', 'x')"
        f" AND {not_in_extension('pg_class', 'c.oid')}",
        _on_table("constraint", "type", "definition"),
    ),
    Query(
        "SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text,"
        " pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
        f" JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_IN_SCOPE}"
        f" AND {not_in_extension('pg_class', 'c.oid')}"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid"
        "  AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))",
        lambda row: Entry("index", str(row[1]), {"definition": row[2]}, str(row[0]), str(row[1])),
    ),
    Query(
        "SELECT p.polrelid::regclass::text, quote_ident(p.polname), p.polcmd, p.polpermissive,"
        f" (SELECT jsonb_agg({_role('r')} ORDER BY {_role('r')}) FROM unnest(p.polroles) AS r),"
        " pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)"
        " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid"
        f" JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_IN_SCOPE}",
        _policy,
    ),
    Query(
        f"SELECT p.oid::regprocedure::text, {_role('p.proowner')}, pg_get_functiondef(p.oid),"
        f" {_FUNCTION_GRANTS}"
        " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        f" WHERE {_IN_SCOPE} AND p.prokind IN ('f', 'p')"
        f" AND {not_in_extension('pg_proc', 'p.oid')}",
        lambda row: Entry(
            "function", str(row[0]), {"owner": row[1], "definition": row[2], "grants": row[3]}
        ),
    ),
    Query(
        "SELECT t.tgrelid::regclass::text, quote_ident(t.tgname), pg_get_triggerdef(t.oid),"
        " t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        f" WHERE {_IN_SCOPE} AND NOT t.tgisinternal AND {not_in_extension('pg_class', 'c.oid')}",
        _on_table("trigger", "definition", "enabled"),
    ),
)

ROWS_CHECK = "SELECT EXISTS (SELECT 1 FROM {table})"

DEFAULT_GRANTS: LiteralString = (
    "SELECT quote_ident(wanted.nspname), "
    + _grants(
        'coalesce(g.defaclacl, acldefault(%(code)s::"char", me.oid))'
        " || coalesce(s.defaclacl, '{}'::aclitem[])"
    )
    + " FROM unnest(%(schemas)s::text[]) AS wanted(nspname)"
    " JOIN pg_roles me ON me.rolname = current_user"
    " LEFT JOIN pg_namespace n ON n.nspname = wanted.nspname"
    " LEFT JOIN pg_default_acl g ON g.defaclrole = me.oid AND g.defaclnamespace = 0"
    '  AND g.defaclobjtype = %(objtype)s::"char"'
    " LEFT JOIN pg_default_acl s ON s.defaclrole = me.oid AND s.defaclnamespace = n.oid"
    '  AND s.defaclobjtype = %(objtype)s::"char"'
)

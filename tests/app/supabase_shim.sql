-- A test-only stand-in for what Supabase provides around a project's database,
-- taken from Supabase's own sources rather than from memory, so that the tests
-- meet the privileges a real project has:
--   supabase/postgres  migrations/db/init-scripts/00000000000000-initial-schema.sql
--     (commit 7db7e1a9): the API roles, USAGE on public and extensions, and the
--     default privileges below; migrations/tests/database/privs.sql there checks
--     that a table postgres creates in public is open to anon, authenticated and
--     service_role with all seven table privileges, TRUNCATE included.
--   supabase/auth      migrations/20220224000811_update_auth_functions.up.sql and
--     20220531120530_add_auth_jwt_function.up.sql (commit bc32168e): auth.uid(),
--     auth.role() and auth.jwt(), reading the claims PostgREST sets.
-- Roles are cluster-wide and shared by every test run on this server: they are
-- created if missing and never dropped, and changed only while they are not yet as
-- wanted. A role changed on every run (ALTER ROLE updates its catalog row even when
-- nothing changes) failed one of two runs doing it at once: "tuple concurrently
-- updated". Everything else here is per database.

DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', role_name);
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;  -- another test run made it meanwhile
      END;
    END IF;
  END LOOP;
  IF NOT (SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role') THEN
    ALTER ROLE service_role BYPASSRLS;
  END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS extensions;
CREATE SCHEMA IF NOT EXISTS auth;

GRANT USAGE ON SCHEMA public, extensions TO anon, authenticated, service_role;
-- Supabase's init runs these as postgres, the role that also runs our
-- migrations, so they apply to every table, sequence and function the
-- migrations create in public: each migration must take back what it does not
-- mean to give. (Default privileges live in pg_default_acl, one per database.)
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;

-- The helpers as GoTrue defines them: SQL, STABLE, and with no SET search_path
-- (none of its migrations sets one). That matters beyond faithfulness: a SQL
-- function with a SET clause is never inlined, so pinning one here would make
-- every policy pay a function call per row that Supabase does not. Their bodies
-- call only pg_catalog functions, which are searched first whatever the
-- caller's search_path (https://www.postgresql.org/docs/current/ddl-schemas.html
-- #DDL-SCHEMAS-CATALOG); our own functions pin search_path = '' instead.
CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

CREATE OR REPLACE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

-- supabase/postgres 00000000000001-auth-schema.sql: usage on auth to the API
-- roles; the functions keep PostgreSQL's default EXECUTE for PUBLIC.
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;

-- 001: the CRMS domain, one company per tenant.
--
-- Every tenant table carries company_id, has row-level security enabled and
-- forced, and one policy, company_isolation, that matches company_id to the
-- company_id claim of the caller's JWT (read as Supabase does, auth.jwt()).
-- Roles as on Supabase: anon gets nothing, authenticated gets its own company's
-- rows, service_role bypasses RLS. Composite foreign keys (company_id, id) make
-- a row of one company unable to point at a row of another, and the unique and
-- exclusion constraints on values a member can guess (plates, photo keys,
-- booking periods) include company_id, so no constraint error tells one company
-- about another's rows.
--
-- Privileges are stated per table and role. Supabase's own initialisation
-- grants ALL on every new table, sequence and function in public to anon,
-- authenticated and service_role (supabase/postgres,
-- migrations/db/init-scripts/00000000000000-initial-schema.sql: ALTER DEFAULT
-- PRIVILEGES IN SCHEMA public GRANT ALL ...), TRUNCATE, REFERENCES and TRIGGER
-- included; so each table first takes everything back, then grants what the app
-- uses. No API role gets TRUNCATE: it ignores row-level security and fires no
-- row trigger, so it would wipe every company unaudited
-- ("Operations that apply to the whole table, such as TRUNCATE and REFERENCES,
-- are not subject to row security",
-- https://www.postgresql.org/docs/current/ddl-rowsecurity.html; "TRUNCATE will
-- not fire any ON DELETE triggers", https://www.postgresql.org/docs/current/sql-truncate.html).
-- This file was corrected in place before any database had it applied (no
-- `pulumi up` had run); from the first deploy on, changes go in new files.

CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA extensions;

CREATE TABLE public.companies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name varchar(255) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.staff_profiles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES public.companies (id) ON DELETE CASCADE,
  user_id uuid NOT NULL UNIQUE,
  full_name varchar(255) NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'manager', 'agent')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, id)
);

CREATE TABLE public.customers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES public.companies (id) ON DELETE CASCADE,
  full_name varchar(255) NOT NULL,
  email varchar(320),
  phone varchar(40),
  driving_licence_number varchar(64),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, id)
);

CREATE TABLE public.vehicles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES public.companies (id) ON DELETE CASCADE,
  plate varchar(20) NOT NULL,
  make varchar(100) NOT NULL,
  model varchar(100) NOT NULL,
  status text NOT NULL DEFAULT 'available'
    CHECK (status IN ('available', 'maintenance', 'retired')),
  daily_rate_chf numeric(10, 2) NOT NULL CHECK (daily_rate_chf >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, id),
  UNIQUE (company_id, plate)
);

CREATE TABLE public.contracts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES public.companies (id) ON DELETE CASCADE,
  customer_id uuid NOT NULL,
  vehicle_id uuid NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'reserved'
    CHECK (status IN ('reserved', 'active', 'completed', 'cancelled')),
  total_chf numeric(10, 2) NOT NULL CHECK (total_chf >= 0),
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, id),
  CHECK (ends_at > starts_at),
  FOREIGN KEY (company_id, customer_id) REFERENCES public.customers (company_id, id),
  FOREIGN KEY (company_id, vehicle_id) REFERENCES public.vehicles (company_id, id),
  -- No vehicle is booked twice for overlapping periods; also the availability index.
  -- company_id leads it: an exclusion constraint is checked as the row enters the
  -- index, before the foreign keys (checked after the statement, "NOT DEFERRABLE
  -- ... checked immediately after every command",
  -- https://www.postgresql.org/docs/current/sql-createtable.html). Keyed on the
  -- vehicle alone, a member trying periods on another company's vehicle id got
  -- "conflicting key" for the booked ones and read that company's calendar; with
  -- the company in the key, a foreign vehicle id can conflict with nothing and
  -- only ever meets the foreign-key error.
  CONSTRAINT contracts_no_double_booking EXCLUDE USING gist (
    company_id WITH =, vehicle_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
  ) WHERE (status IN ('reserved', 'active'))
);

CREATE TABLE public.payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES public.companies (id) ON DELETE CASCADE,
  contract_id uuid NOT NULL,
  amount_chf numeric(10, 2) NOT NULL CHECK (amount_chf >= 0),
  status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded')),
  provider_reference varchar(255),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (company_id, contract_id) REFERENCES public.contracts (company_id, id)
);

-- Photo metadata; the bytes live in the photos bucket under storage_key.
CREATE TABLE public.photos (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id uuid NOT NULL REFERENCES public.companies (id) ON DELETE CASCADE,
  vehicle_id uuid,
  contract_id uuid,
  storage_key varchar(1024) NOT NULL,
  content_type varchar(100) NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (vehicle_id IS NOT NULL OR contract_id IS NOT NULL),
  -- A key belongs to its company: unique within it, and under its prefix in the
  -- bucket, so no company can claim (and block) a key of another's. No '.' or
  -- '..' segment: S3 keeps them literally, but anything that normalises paths
  -- on the way would not.
  UNIQUE (company_id, storage_key),
  CONSTRAINT photos_storage_key_in_company_prefix CHECK (
    starts_with(storage_key, company_id::text || '/')
    AND storage_key !~ '(^|/)\.\.?(/|$)'
  ),
  FOREIGN KEY (company_id, vehicle_id) REFERENCES public.vehicles (company_id, id),
  FOREIGN KEY (company_id, contract_id) REFERENCES public.contracts (company_id, id)
);

-- Row-level security and the isolation policy, the same for every tenant table.
-- The claim is read in a sub-select, so PostgreSQL evaluates it once per
-- statement (an InitPlan) rather than once per row: Supabase's advice
-- (https://supabase.com/docs/guides/database/postgres/row-level-security#call-functions-with-select)
-- and its linter's rule 0003_auth_rls_initplan, which flags the bare form.
DO $$
DECLARE
  tenant_table text;
BEGIN
  FOREACH tenant_table IN ARRAY ARRAY[
    'staff_profiles', 'customers', 'vehicles', 'contracts', 'payments', 'photos'
  ] LOOP
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format(
      'CREATE POLICY company_isolation ON public.%I FOR ALL TO authenticated '
      'USING (company_id = ((SELECT auth.jwt()) ->> ''company_id'')::uuid) '
      'WITH CHECK (company_id = ((SELECT auth.jwt()) ->> ''company_id'')::uuid)',
      tenant_table);
  END LOOP;
END
$$;

-- A company is its own tenant: its row is keyed by id, not company_id.
ALTER TABLE public.companies ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.companies FORCE ROW LEVEL SECURITY;
CREATE POLICY company_isolation ON public.companies FOR ALL TO authenticated
  USING (id = ((SELECT auth.jwt()) ->> 'company_id')::uuid)
  WITH CHECK (id = ((SELECT auth.jwt()) ->> 'company_id')::uuid);

-- Privileges, table by table: everything taken back from the API roles, then
-- what the app uses. A member reads and renames its company but never creates
-- or deletes one (a delete would cascade through every tenant table);
-- service_role, the operators' key, reads and writes every company's rows
-- (the metrics cron counts payments across companies).
REVOKE ALL ON public.companies, public.staff_profiles, public.customers, public.vehicles,
  public.contracts, public.payments, public.photos
  FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, UPDATE ON public.companies TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.staff_profiles TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.customers TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.vehicles TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.contracts TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.payments TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.photos TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.companies, public.staff_profiles,
  public.customers, public.vehicles, public.contracts, public.payments, public.photos
  TO service_role;

-- Within a company, staff are managed by its owners. A member may change only
-- its own name; only an owner may add or remove staff or change anyone's role
-- or account; nobody may change their own role or account, or remove
-- themselves, so an owner cannot leave a company without one by accident.
-- Enforced by a trigger rather than policies: deciding needs the caller's own
-- staff row, and a policy on staff_profiles that reads staff_profiles recurses.
-- It binds only the signed-in API role; service_role and the migrations'
-- owner administer staff. The function lives in a schema the API does not
-- expose, runs as its caller (reading the caller's own company through RLS),
-- and nobody may call it directly (a trigger's function needs no EXECUTE
-- privilege to fire: https://www.postgresql.org/docs/current/sql-createtrigger.html
-- asks for it only to create the trigger).
CREATE SCHEMA private;
REVOKE ALL ON SCHEMA private FROM PUBLIC;

CREATE FUNCTION private.guard_staff_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  caller uuid := auth.uid();
  target public.staff_profiles := CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
  caller_is_owner boolean;
BEGIN
  IF current_user <> 'authenticated' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.user_id = caller THEN
    IF to_jsonb(NEW) - 'full_name' IS DISTINCT FROM to_jsonb(OLD) - 'full_name' THEN
      RAISE EXCEPTION 'staff may change only their own name, not their role or account'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  SELECT EXISTS (
    SELECT 1 FROM public.staff_profiles AS own
    WHERE own.user_id = caller AND own.company_id = target.company_id AND own.role = 'owner'
  ) INTO caller_is_owner;
  IF NOT caller_is_owner THEN
    RAISE EXCEPTION 'only an owner of the company may add, remove or change staff'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' AND OLD.user_id = caller THEN
    RAISE EXCEPTION 'an owner cannot remove themselves; another owner can'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
REVOKE ALL ON FUNCTION private.guard_staff_change() FROM PUBLIC;

CREATE TRIGGER guard_staff_change BEFORE INSERT OR UPDATE OR DELETE ON public.staff_profiles
  FOR EACH ROW EXECUTE FUNCTION private.guard_staff_change();

-- Large objects live outside every table, so row-level security cannot reach them, and
-- every tenant's session runs as the one role `authenticated`: a large object one tenant
-- wrote (owned by that role) was readable by every other tenant
-- (https://www.postgresql.org/docs/current/lo-implementation.html: access goes by the
-- object's owner and grants; lo_compat_privileges, off by default, would open them all).
-- CRMS keeps files in S3, never in large objects, so no role of ours may use them: the
-- large-object functions are taken from PUBLIC. That also closes the fast-path interface,
-- which checks EXECUTE on the function it calls (src/backend/tcop/fastpath.c), and the
-- server-side lo_import/lo_export, already limited to superusers
-- (https://www.postgresql.org/docs/current/lo-funcs.html).
-- Only a superuser (the bootstrap superuser owns pg_catalog) can take this from PUBLIC.
-- On Supabase the migrations run as `postgres`, which is not one: there the functions
-- stay open, the migration says so in a warning, and the README ("What grants cannot
-- close") says what to do. (A plain REVOKE would fail there: `postgres` holds no
-- privilege at all on lo_import and lo_export, and REVOKE then fails outright,
-- https://www.postgresql.org/docs/current/sql-revoke.html.)
DO $$
DECLARE
  large_object_function regprocedure;
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    RAISE WARNING 'large objects stay open to the API roles: only a superuser can close them';
    RETURN;
  END IF;
  FOR large_object_function IN
    SELECT oid::regprocedure FROM pg_proc
    WHERE pronamespace = 'pg_catalog'::regnamespace
      AND (proname LIKE 'lo\_%' OR proname IN ('loread', 'lowrite'))
  LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', large_object_function);
  END LOOP;
END
$$;

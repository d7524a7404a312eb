-- The live database as the Terraform deployment left it, to take over in the tests.
--
-- That deployment had no migration runner: its own migration script (scripts/migrate.ts)
-- sent each file's text to an `exec_sql` function over Supabase's API (`supabase.rpc(
-- 'exec_sql', { sql })`, as service_role), and kept no record of what it ran. So the live
-- database holds that function, and tables built the way its 001_initial_schema.sql
-- builds them: unqualified `CREATE TABLE`s, row-level security enabled (not forced), and
-- one policy, `company_isolation`, `FOR ALL USING (... = (auth.jwt() ->> 'company_id')::
-- uuid)`, with no role and no WITH CHECK. None of what this project's 001 added: no
-- grants (Supabase's default privileges give anon, authenticated and service_role every
-- privilege on each table), no checks, no company-scoped keys or exclusion constraint,
-- no staff guard. The script also lists 002_add_audit_logging.sql and
-- 003_optimize_indexes.sql, whose text it does not show: nothing here stands for them.
--
-- Run after tests/app/supabase_shim.sql, as the same role, in a database of its own.

-- The usual form of the function the script calls (PostgREST calls it by name; it runs
-- as its owner, so what it is sent can create tables).
CREATE FUNCTION exec_sql(sql text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  EXECUTE sql;
END
$$;

SELECT exec_sql($schema$
CREATE TABLE companies (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name VARCHAR(255) NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE staff_profiles (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id UUID NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  user_id UUID NOT NULL UNIQUE,
  full_name VARCHAR(255) NOT NULL,
  role TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE customers (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id UUID NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  full_name VARCHAR(255) NOT NULL,
  email VARCHAR(320),
  phone VARCHAR(40),
  driving_licence_number VARCHAR(64),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE vehicles (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id UUID NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  plate VARCHAR(20) NOT NULL,
  make VARCHAR(100) NOT NULL,
  model VARCHAR(100) NOT NULL,
  status TEXT NOT NULL DEFAULT 'available',
  daily_rate_chf NUMERIC(10, 2) NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE contracts (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id UUID NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  customer_id UUID NOT NULL REFERENCES customers (id),
  vehicle_id UUID NOT NULL REFERENCES vehicles (id),
  starts_at TIMESTAMPTZ NOT NULL,
  ends_at TIMESTAMPTZ NOT NULL,
  status TEXT NOT NULL DEFAULT 'reserved',
  total_chf NUMERIC(10, 2) NOT NULL,
  created_by UUID,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE payments (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id UUID NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  contract_id UUID NOT NULL REFERENCES contracts (id),
  amount_chf NUMERIC(10, 2) NOT NULL,
  status TEXT NOT NULL,
  provider_reference VARCHAR(255),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE photos (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  company_id UUID NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  vehicle_id UUID REFERENCES vehicles (id),
  contract_id UUID REFERENCES contracts (id),
  storage_key VARCHAR(1024) NOT NULL,
  content_type VARCHAR(100) NOT NULL,
  size_bytes BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE companies ENABLE ROW LEVEL SECURITY;
CREATE POLICY company_isolation ON companies
  FOR ALL USING (id = (auth.jwt() ->> 'company_id')::uuid);
$schema$);

DO $$
DECLARE
  tenant_table text;
BEGIN
  FOREACH tenant_table IN ARRAY ARRAY[
    'staff_profiles', 'customers', 'vehicles', 'contracts', 'payments', 'photos'
  ] LOOP
    PERFORM exec_sql(format(
      'ALTER TABLE %I ENABLE ROW LEVEL SECURITY; '
      'CREATE POLICY company_isolation ON %I '
      'FOR ALL USING (company_id = (auth.jwt() ->> ''company_id'')::uuid)',
      tenant_table, tenant_table));
  END LOOP;
END
$$;

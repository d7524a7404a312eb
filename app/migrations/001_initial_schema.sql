-- 001: the CRMS domain, one company per tenant.
--
-- Every tenant table carries company_id, has row-level security enabled and
-- forced, and one policy, company_isolation, that matches company_id to the
-- company_id claim of the caller's JWT (read as Supabase does, auth.jwt()).
-- Roles as on Supabase: anon gets nothing, authenticated gets its own company's
-- rows, service_role bypasses RLS. Composite foreign keys (company_id, id) make
-- a row of one company unable to point at a row of another.

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
  CONSTRAINT contracts_no_double_booking EXCLUDE USING gist (
    vehicle_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
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
  storage_key varchar(1024) NOT NULL UNIQUE,
  content_type varchar(100) NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (vehicle_id IS NOT NULL OR contract_id IS NOT NULL),
  FOREIGN KEY (company_id, vehicle_id) REFERENCES public.vehicles (company_id, id),
  FOREIGN KEY (company_id, contract_id) REFERENCES public.contracts (company_id, id)
);

-- Row-level security, grants and the isolation policy, the same for every tenant table.
DO $$
DECLARE
  tenant_table text;
BEGIN
  FOREACH tenant_table IN ARRAY ARRAY[
    'staff_profiles', 'customers', 'vehicles', 'contracts', 'payments', 'photos'
  ] LOOP
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', tenant_table);
    EXECUTE format('REVOKE ALL ON public.%I FROM PUBLIC, anon', tenant_table);
    EXECUTE format(
      'GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO authenticated', tenant_table);
    EXECUTE format('GRANT ALL ON public.%I TO service_role', tenant_table);
    EXECUTE format(
      'CREATE POLICY company_isolation ON public.%I FOR ALL TO authenticated '
      'USING (company_id = (auth.jwt() ->> ''company_id'')::uuid) '
      'WITH CHECK (company_id = (auth.jwt() ->> ''company_id'')::uuid)',
      tenant_table);
  END LOOP;
END
$$;

-- A company is its own tenant: its row is keyed by id, not company_id.
ALTER TABLE public.companies ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.companies FORCE ROW LEVEL SECURITY;
REVOKE ALL ON public.companies FROM PUBLIC, anon;
GRANT SELECT, UPDATE ON public.companies TO authenticated;
GRANT ALL ON public.companies TO service_role;
CREATE POLICY company_isolation ON public.companies FOR ALL TO authenticated
  USING (id = (auth.jwt() ->> 'company_id')::uuid)
  WITH CHECK (id = (auth.jwt() ->> 'company_id')::uuid);

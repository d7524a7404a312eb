-- 002: an audit log of every change to a tenant table.
--
-- Kept in its own schema, which Supabase does not expose through its API. The
-- trigger function runs as its owner (SECURITY DEFINER), so callers need no
-- write access: authenticated may read its own company's entries (all but their
-- ids), and can neither add, change nor remove any.

CREATE SCHEMA audit;
REVOKE ALL ON SCHEMA audit FROM PUBLIC;

CREATE TABLE audit.log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  table_name text NOT NULL,
  row_id uuid NOT NULL,
  company_id uuid,
  action text NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE')),
  actor uuid,
  actor_role text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  old_row jsonb,
  new_row jsonb
);

CREATE FUNCTION audit.record_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  changed jsonb := to_jsonb(coalesce(NEW, OLD));
BEGIN
  INSERT INTO audit.log (table_name, row_id, company_id, action, actor, actor_role, old_row, new_row)
  VALUES (
    TG_TABLE_NAME,
    (changed ->> 'id')::uuid,
    coalesce(changed ->> 'company_id', CASE WHEN TG_TABLE_NAME = 'companies' THEN changed ->> 'id' END)::uuid,
    TG_OP,
    nullif(auth.jwt() ->> 'sub', '')::uuid,
    coalesce(auth.jwt() ->> 'role', session_user),
    CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
    CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END
  );
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION audit.record_change() FROM PUBLIC;

DO $$
DECLARE
  audited_table text;
BEGIN
  FOREACH audited_table IN ARRAY ARRAY[
    'companies', 'staff_profiles', 'customers', 'vehicles', 'contracts', 'payments', 'photos'
  ] LOOP
    EXECUTE format(
      'CREATE TRIGGER audit_change AFTER INSERT OR UPDATE OR DELETE ON public.%I '
      'FOR EACH ROW EXECUTE FUNCTION audit.record_change()', audited_table);
  END LOOP;
END
$$;

-- Read-only for the API roles, stated in full although Supabase's default
-- privileges cover only public: nobody but the trigger writes here. The claim
-- is read once per statement, as in 001.
ALTER TABLE audit.log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit.log FORCE ROW LEVEL SECURITY;
GRANT USAGE ON SCHEMA audit TO authenticated, service_role;
REVOKE ALL ON audit.log FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT ON audit.log TO service_role;
-- A member reads every column but id: the ids come from one sequence for all companies,
-- so the gaps between a company's own ids counted the other companies' changes. Its
-- entries are ordered by changed_at. (Column privileges:
-- https://www.postgresql.org/docs/current/sql-grant.html)
GRANT SELECT (table_name, row_id, company_id, action, actor, actor_role, changed_at,
  old_row, new_row) ON audit.log TO authenticated;
CREATE POLICY company_isolation ON audit.log FOR SELECT TO authenticated
  USING (company_id = ((SELECT auth.jwt()) ->> 'company_id')::uuid);

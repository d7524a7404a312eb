-- 003: indexes on every foreign key and on the queries CRMS runs most.
-- Availability by vehicle and period is served by the contracts exclusion
-- constraint's GiST index (001).

CREATE INDEX staff_profiles_company_id ON public.staff_profiles (company_id);
CREATE INDEX customers_company_id ON public.customers (company_id);
CREATE INDEX vehicles_company_id_status ON public.vehicles (company_id, status);
-- Contracts by customer, newest first; also the (company_id, customer_id) key.
CREATE INDEX contracts_customer ON public.contracts (company_id, customer_id, starts_at DESC);
CREATE INDEX contracts_vehicle ON public.contracts (company_id, vehicle_id, starts_at);
CREATE INDEX payments_contract ON public.payments (company_id, contract_id);
CREATE INDEX payments_status ON public.payments (company_id, status, created_at);
CREATE INDEX photos_vehicle ON public.photos (company_id, vehicle_id);
CREATE INDEX photos_contract ON public.photos (company_id, contract_id);
CREATE INDEX audit_log_company_time ON audit.log (company_id, changed_at DESC);
CREATE INDEX audit_log_row ON audit.log (table_name, row_id);

-- Every filing writes an entry in each index of `cases`. cases_status (tenant_id,
-- status_kind, submitted_at) is the start of cases_kind_recent (tenant_id, status_kind,
-- submitted_at, id, service_id), which answers the same lookups: one write less per filing
-- (BENCHMARKS.md, case creation).
DROP INDEX cases_status;

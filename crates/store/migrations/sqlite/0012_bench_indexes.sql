-- Indexes found missing by relais-bench at scale (see BENCHMARKS.md).
--
-- A requester's cases newest first (My requests, a person's or an organisation's cases):
-- the list pages by (submitted_at, id), so the index ends with both and the planner walks it
-- in order instead of walking every case of the tenant by date. They replace the indexes of
-- migration 0005 that lacked the id.
DROP INDEX cases_requester;
DROP INDEX cases_account;
CREATE INDEX cases_requester_recent ON cases (tenant_id, requester_person_id, submitted_at, id);
CREATE INDEX cases_account_recent ON cases (tenant_id, requester_account_id, submitted_at, id);
CREATE INDEX cases_organisation_recent ON cases (tenant_id, organisation_id, submitted_at, id);

-- A service page's processing times read the latest closed cases of the service.
CREATE INDEX cases_service_closed ON cases (tenant_id, service_id, closed_at);

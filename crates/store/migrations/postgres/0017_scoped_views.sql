-- The back office's views read by an agent who reaches only some services: every list and
-- count then carries `c.service_id NOT IN (…)` (case_views::Scope). The view indexes of
-- migration 0009 end with service_id, so that condition is checked on the index entry and a
-- scoped count is a walk of the view's own entries that stops at its cap. Without it, SQLite
-- counted "all open" and "waiting" through cases_service, walking every case of the tenant
-- (77–230 ms at 400,000 cases), and PostgreSQL read the table for each entry (~40 ms).
-- "Waiting" has no partial index of its own: it reads cases_kind_recent.
DROP INDEX cases_kind_recent;
DROP INDEX cases_active_recent;
DROP INDEX cases_active_assignee;
DROP INDEX cases_active_team;
DROP INDEX cases_active_sla;
CREATE INDEX cases_kind_recent ON cases (tenant_id, status_kind, submitted_at, id, service_id);
CREATE INDEX cases_active_recent ON cases (tenant_id, submitted_at, id, service_id)
    WHERE status_kind IN ('open', 'waiting_requester', 'waiting_third_party');
CREATE INDEX cases_active_assignee ON cases (tenant_id, assignee_id, submitted_at, id, service_id)
    WHERE status_kind IN ('open', 'waiting_requester', 'waiting_third_party');
CREATE INDEX cases_active_team ON cases (tenant_id, team_id, submitted_at, id, service_id)
    WHERE status_kind IN ('open', 'waiting_requester', 'waiting_third_party');
CREATE INDEX cases_active_sla ON cases (tenant_id, sla_state, submitted_at, id, service_id)
    WHERE status_kind IN ('open', 'waiting_requester', 'waiting_third_party');

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

-- Search: the documents' keys as a stored tsvector with its GIN index, written straight into
-- the index (fastupdate off). The GIN index on the expression
-- array_to_tsvector(string_to_array(terms, ' ')) was not chosen: freshly written documents
-- sat in the index's pending list until a vacuum, which made the index look dear, and the
-- planner walked the tenant's documents building a tsvector for each instead (80 ms a search
-- at 10,000 persons; 0.05 ms with this column and index).
ALTER TABLE search_documents ADD COLUMN terms_vector tsvector
    GENERATED ALWAYS AS (array_to_tsvector(string_to_array(terms, ' '))) STORED;
DROP INDEX search_documents_terms;
CREATE INDEX search_documents_terms ON search_documents USING gin (terms_vector)
    WITH (fastupdate = off);

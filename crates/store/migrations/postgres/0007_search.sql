-- Full-text search of persons and organisations. One document per person or organisation:
-- the fields shown and scored (JSON) and the index keys computed from them in Rust
-- (relais_domain::search: folded words, French stems, one-typo deletion keys, whole e-mail
-- addresses, phone numbers and SIRET). The store rewrites a document in the same
-- transaction as every change of what it shows, and fills missing or outdated documents at
-- start (`version` is the domain's INDEX_VERSION).

CREATE TABLE search_documents (
    tenant_id UUID NOT NULL REFERENCES tenants (id),
    entity_type TEXT NOT NULL CHECK (entity_type IN ('person', 'organisation')),
    entity_id UUID NOT NULL,
    -- The document's row in SQLite's FTS5 index; unused by PostgreSQL, whose index is on
    -- this table itself, and only there so that both backends keep the same columns.
    doc_no BIGINT NOT NULL,
    -- Index keys separated by spaces.
    terms TEXT NOT NULL,
    fields TEXT NOT NULL,
    -- Folded name: the order of equally ranked results.
    sort_key TEXT NOT NULL,
    archived BOOLEAN NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, entity_type, entity_id)
);
CREATE INDEX search_documents_doc_no ON search_documents (doc_no);

-- The keys, taken as they are (no parser, no dictionary), in a GIN index: exact and prefix
-- (`:*`) lookups of opaque keys, the same documents as SQLite's FTS5 finds.
CREATE INDEX search_documents_terms ON search_documents
    USING gin (array_to_tsvector(string_to_array(terms, ' ')));

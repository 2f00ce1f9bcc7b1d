-- Full-text search of persons and organisations. One document per person or organisation:
-- the fields shown and scored (JSON) and the index keys computed from them in Rust
-- (relais_domain::search: folded words, French stems, one-typo deletion keys, whole e-mail
-- addresses, phone numbers and SIRET). The store rewrites a document in the same
-- transaction as every change of what it shows, and fills missing or outdated documents at
-- start (`version` is the domain's INDEX_VERSION).

CREATE TABLE search_documents (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    entity_type TEXT NOT NULL CHECK (entity_type IN ('person', 'organisation')),
    entity_id BLOB NOT NULL,
    -- The document's row in the FTS5 index below. An explicit column, because VACUUM (and
    -- so a backup) may renumber implicit rowids.
    doc_no INTEGER NOT NULL,
    -- Index keys separated by spaces.
    terms TEXT NOT NULL,
    fields TEXT NOT NULL,
    -- Folded name: the order of equally ranked results.
    sort_key TEXT NOT NULL,
    archived BOOLEAN NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, entity_type, entity_id)
);
CREATE UNIQUE INDEX search_documents_doc_no ON search_documents (doc_no);

-- The keys are opaque ASCII words: the `ascii` tokenizer keeps them whole. Only which
-- documents contain a key is needed (detail=none: the smallest index); prefix indexes of 3
-- and 4 bytes (a kind letter and 2 or 3 characters) make short prefixes cheap.
CREATE VIRTUAL TABLE search_index USING fts5 (
    terms,
    content = 'search_documents',
    content_rowid = 'doc_no',
    tokenize = 'ascii',
    detail = none,
    prefix = '3 4'
);

CREATE TRIGGER search_documents_insert AFTER INSERT ON search_documents BEGIN
    INSERT INTO search_index (rowid, terms) VALUES (new.doc_no, new.terms);
END;
CREATE TRIGGER search_documents_delete AFTER DELETE ON search_documents BEGIN
    INSERT INTO search_index (search_index, rowid, terms) VALUES ('delete', old.doc_no, old.terms);
END;
CREATE TRIGGER search_documents_update AFTER UPDATE OF terms, doc_no ON search_documents BEGIN
    INSERT INTO search_index (search_index, rowid, terms) VALUES ('delete', old.doc_no, old.terms);
    INSERT INTO search_index (rowid, terms) VALUES (new.doc_no, new.terms);
END;

-- Service catalogue: a service and its versioned definitions (form, documents, workflow,
-- service levels as one JSON document, validated by the domain crate before publishing).

CREATE TABLE services (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    slug TEXT NOT NULL,
    category TEXT NOT NULL,
    audience TEXT NOT NULL,
    channels TEXT NOT NULL,
    who_may_file TEXT NOT NULL CHECK (who_may_file IN ('anyone', 'signed_in', 'organisations')),
    title_fr TEXT NOT NULL,
    title_en TEXT NOT NULL,
    description_fr TEXT NOT NULL,
    description_en TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'archived')),
    published_version INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, slug)
);
CREATE INDEX services_category ON services (tenant_id, state, category);

CREATE TABLE service_versions (
    tenant_id BLOB NOT NULL,
    service_id BLOB NOT NULL,
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'superseded')),
    created_at TEXT NOT NULL,
    created_by BLOB,
    published_at TEXT,
    PRIMARY KEY (tenant_id, service_id, version),
    FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, id)
);
-- At most one draft per service: editing a published service makes one new version.
CREATE UNIQUE INDEX service_versions_one_draft ON service_versions (tenant_id, service_id) WHERE state = 'draft';

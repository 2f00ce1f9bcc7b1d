-- People and organisations: identities, contact points, tags, consents (with history),
-- relationships and interactions. Every foreign key carries tenant_id, so a row can only
-- point at a row of its own tenant.

CREATE TABLE persons (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date TEXT,
    locale TEXT NOT NULL,
    -- Lowercase, accent-folded "family given", maintained by the store, for search and order.
    search_name TEXT NOT NULL,
    archived_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX persons_search_name ON persons (tenant_id, search_name, id);

CREATE TABLE organisations (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    name TEXT NOT NULL,
    siret TEXT,
    search_name TEXT NOT NULL,
    archived_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, siret)
);
CREATE INDEX organisations_search_name ON organisations (tenant_id, search_name, id);

CREATE TABLE person_emails (
    tenant_id BLOB NOT NULL,
    id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    email TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, person_id, email),
    FOREIGN KEY (tenant_id, person_id) REFERENCES persons (tenant_id, id)
);
CREATE INDEX person_emails_email ON person_emails (tenant_id, email);

CREATE TABLE person_phones (
    tenant_id BLOB NOT NULL,
    id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    e164 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, person_id, e164),
    FOREIGN KEY (tenant_id, person_id) REFERENCES persons (tenant_id, id)
);
CREATE INDEX person_phones_e164 ON person_phones (tenant_id, e164);

CREATE TABLE person_addresses (
    tenant_id BLOB NOT NULL,
    id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    -- The lines above postcode and city, separated by line feeds.
    lines TEXT NOT NULL,
    postcode TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES persons (tenant_id, id)
);
CREATE INDEX person_addresses_person ON person_addresses (tenant_id, person_id);

CREATE TABLE person_tags (
    tenant_id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (tenant_id, person_id, tag),
    FOREIGN KEY (tenant_id, person_id) REFERENCES persons (tenant_id, id)
);
CREATE INDEX person_tags_tag ON person_tags (tenant_id, tag);

-- One row per change: the current state of a purpose is its latest row.
CREATE TABLE consents (
    tenant_id BLOB NOT NULL,
    id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    purpose TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('given', 'withdrawn')),
    source TEXT NOT NULL,
    at TEXT NOT NULL,
    recorded_by BLOB,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES persons (tenant_id, id)
);
CREATE INDEX consents_person ON consents (tenant_id, person_id, purpose, at);

CREATE TABLE relationships (
    tenant_id BLOB NOT NULL,
    id BLOB NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('member_of', 'represents', 'household')),
    person_id BLOB NOT NULL,
    to_person_id BLOB,
    to_organisation_id BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK ((to_person_id IS NULL) <> (to_organisation_id IS NULL)),
    FOREIGN KEY (tenant_id, person_id) REFERENCES persons (tenant_id, id),
    FOREIGN KEY (tenant_id, to_person_id) REFERENCES persons (tenant_id, id),
    FOREIGN KEY (tenant_id, to_organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX relationships_person ON relationships (tenant_id, person_id);
CREATE INDEX relationships_to_person ON relationships (tenant_id, to_person_id);
CREATE INDEX relationships_to_organisation ON relationships (tenant_id, to_organisation_id);

CREATE TABLE interactions (
    tenant_id BLOB NOT NULL,
    id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'counter', 'letter', 'email')),
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    summary TEXT NOT NULL,
    duration_minutes INTEGER,
    case_ref TEXT,
    at TEXT NOT NULL,
    agent_id BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES persons (tenant_id, id),
    FOREIGN KEY (tenant_id, agent_id) REFERENCES accounts (tenant_id, id)
);
CREATE INDEX interactions_person ON interactions (tenant_id, person_id, at);

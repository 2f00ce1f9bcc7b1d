-- People, continued: merges of duplicates (the merged-away record points at its survivor),
-- pairs dismissed from the duplicates queue, custom fields per tenant and their values,
-- segments (saved filters), and organisations' contact points.

CREATE TABLE person_merges (
    tenant_id UUID NOT NULL,
    -- The record merged away (archived); its old address leads to the survivor.
    merged_id UUID NOT NULL,
    survivor_id UUID NOT NULL,
    merged_at TIMESTAMPTZ NOT NULL,
    merged_by UUID,
    PRIMARY KEY (tenant_id, merged_id),
    FOREIGN KEY (tenant_id, merged_id) REFERENCES persons (tenant_id, id),
    FOREIGN KEY (tenant_id, survivor_id) REFERENCES persons (tenant_id, id),
    FOREIGN KEY (tenant_id, merged_by) REFERENCES accounts (tenant_id, id)
);
CREATE INDEX person_merges_survivor ON person_merges (tenant_id, survivor_id);

-- "Not a duplicate": the pair (smaller id first) no longer appears in the queue.
CREATE TABLE duplicate_dismissals (
    tenant_id UUID NOT NULL,
    person_id UUID NOT NULL,
    other_person_id UUID NOT NULL,
    dismissed_by UUID,
    dismissed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, person_id, other_person_id),
    CHECK (person_id < other_person_id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES persons (tenant_id, id),
    FOREIGN KEY (tenant_id, other_person_id) REFERENCES persons (tenant_id, id),
    FOREIGN KEY (tenant_id, dismissed_by) REFERENCES accounts (tenant_id, id)
);

CREATE TABLE custom_fields (
    tenant_id UUID NOT NULL REFERENCES tenants (id),
    id UUID NOT NULL,
    key TEXT NOT NULL,
    label_fr TEXT NOT NULL,
    label_en TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'choice')),
    -- A JSON array of strings (choice fields), '[]' otherwise.
    choices JSONB NOT NULL,
    required BOOLEAN NOT NULL DEFAULT FALSE,
    position BIGINT NOT NULL,
    archived_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, key)
);

-- One value per person and field, in the column of the field's kind.
CREATE TABLE person_custom_values (
    tenant_id UUID NOT NULL,
    person_id UUID NOT NULL,
    field_id UUID NOT NULL,
    value_text TEXT,
    -- value_text folded (lowercase, no accents), for segments.
    value_folded TEXT,
    value_number DOUBLE PRECISION,
    value_date DATE,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, person_id, field_id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES persons (tenant_id, id),
    FOREIGN KEY (tenant_id, field_id) REFERENCES custom_fields (tenant_id, id)
);
CREATE INDEX person_custom_values_field ON person_custom_values (tenant_id, field_id);

CREATE TABLE segments (
    tenant_id UUID NOT NULL REFERENCES tenants (id),
    id UUID NOT NULL,
    name TEXT NOT NULL,
    -- The filter as JSON (relais_domain::people::segments::SegmentFilter).
    filter JSONB NOT NULL,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id, created_by) REFERENCES accounts (tenant_id, id)
);

CREATE TABLE organisation_emails (
    tenant_id UUID NOT NULL,
    id UUID NOT NULL,
    organisation_id UUID NOT NULL,
    email TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, organisation_id, email),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX organisation_emails_email ON organisation_emails (tenant_id, email);

CREATE TABLE organisation_phones (
    tenant_id UUID NOT NULL,
    id UUID NOT NULL,
    organisation_id UUID NOT NULL,
    e164 TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, organisation_id, e164),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX organisation_phones_e164 ON organisation_phones (tenant_id, e164);

CREATE TABLE organisation_addresses (
    tenant_id UUID NOT NULL,
    id UUID NOT NULL,
    organisation_id UUID NOT NULL,
    lines TEXT NOT NULL,
    postcode TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id)
);
CREATE INDEX organisation_addresses_organisation ON organisation_addresses (tenant_id, organisation_id);

-- Segments filter on the creation and update dates.
CREATE INDEX persons_created ON persons (tenant_id, created_at);
CREATE INDEX persons_updated ON persons (tenant_id, updated_at);

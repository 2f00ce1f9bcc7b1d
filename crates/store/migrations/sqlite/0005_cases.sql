-- Cases, their timeline, the portal's drafts, and documents (the document safe).
-- A case points at the exact service version it was filed under, so later versions never
-- change the rules it is handled by. The timeline is append-only by the store's API.

CREATE TABLE documents (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    -- The person whose safe holds it (none for an anonymous filing).
    owner_person_id BLOB,
    -- What it proves (identity, proof_of_address, …) once known.
    kind TEXT,
    file_hash TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'valid', 'rejected')),
    reject_reason TEXT,
    valid_until TEXT,
    checked_by BLOB,
    checked_at TEXT,
    deleted_at TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_person_id) REFERENCES persons (tenant_id, id)
);
CREATE INDEX documents_owner ON documents (tenant_id, owner_person_id, created_at);

CREATE TABLE cases (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    -- Public reference, e.g. BEL-2026-7K3F9QX2: readable over the phone, not guessable.
    reference TEXT NOT NULL,
    service_id BLOB NOT NULL,
    service_version INTEGER NOT NULL,
    requester_person_id BLOB,
    requester_account_id BLOB,
    organisation_id BLOB,
    -- E-mail of an anonymous requester (tracking link and notices go there).
    contact_email TEXT,
    -- SHA-256 of the tracking code handed to an anonymous requester.
    tracking_hash TEXT,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    status_kind TEXT NOT NULL,
    status_entered_at TEXT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    team_id BLOB,
    assignee_id BLOB,
    -- The answers as validated against the definition version (JSON object).
    answers TEXT NOT NULL,
    -- Fields re-opened for corrections (JSON array) and the agent's comment, while asked.
    correction_fields TEXT,
    correction_comment TEXT,
    deadline_at TEXT,
    first_response_at TEXT,
    closed_at TEXT,
    -- Service-level due times (business time already applied) and the worst state reached.
    first_response_due_at TEXT,
    resolution_due_at TEXT,
    sla_state TEXT NOT NULL CHECK (sla_state IN ('none', 'ok', 'warning', 'breached')),
    -- When the timer job must look at this case again (timeouts, SLA warning or breach).
    next_timer_at TEXT,
    -- Optimistic concurrency: every change bumps it; a stale form is refused.
    row_version BIGINT NOT NULL,
    submitted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, reference),
    FOREIGN KEY (tenant_id, service_id, service_version)
        REFERENCES service_versions (tenant_id, service_id, version),
    FOREIGN KEY (tenant_id, requester_person_id) REFERENCES persons (tenant_id, id),
    FOREIGN KEY (tenant_id, requester_account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, organisation_id) REFERENCES organisations (tenant_id, id),
    FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id),
    FOREIGN KEY (tenant_id, assignee_id) REFERENCES accounts (tenant_id, id)
);
CREATE INDEX cases_assignee ON cases (tenant_id, assignee_id, status_kind, submitted_at);
CREATE INDEX cases_team ON cases (tenant_id, team_id, status_kind, submitted_at);
CREATE INDEX cases_status ON cases (tenant_id, status_kind, submitted_at);
CREATE INDEX cases_requester ON cases (tenant_id, requester_person_id, submitted_at);
CREATE INDEX cases_account ON cases (tenant_id, requester_account_id, submitted_at);
CREATE INDEX cases_service ON cases (tenant_id, service_id, status_kind, submitted_at);
CREATE INDEX cases_timer ON cases (next_timer_at);

CREATE TABLE case_documents (
    tenant_id BLOB NOT NULL,
    case_id BLOB NOT NULL,
    document_id BLOB NOT NULL,
    -- The form field it answers, or the required document kind it provides.
    field_id TEXT,
    PRIMARY KEY (tenant_id, case_id, document_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    FOREIGN KEY (tenant_id, document_id) REFERENCES documents (tenant_id, id)
);

CREATE TABLE case_events (
    tenant_id BLOB NOT NULL,
    id BLOB NOT NULL,
    case_id BLOB NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor_account_id BLOB,
    -- Who, as shown on the timeline ("Karim Benali", "the requester", "Relais").
    actor_label TEXT NOT NULL,
    -- Shown to the requester on the portal, or staff-only.
    public BOOLEAN NOT NULL,
    body TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)
);
CREATE INDEX case_events_case ON case_events (tenant_id, case_id, at, id);

CREATE TABLE case_drafts (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    id BLOB NOT NULL,
    service_id BLOB NOT NULL,
    service_version INTEGER NOT NULL,
    account_id BLOB NOT NULL,
    answers TEXT NOT NULL,
    -- Index of the page the requester was on.
    page INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, service_id, service_version)
        REFERENCES service_versions (tenant_id, service_id, version),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
);
CREATE INDEX case_drafts_account ON case_drafts (tenant_id, account_id, updated_at);

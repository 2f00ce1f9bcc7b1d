-- Background jobs (imports today; SLA timers, workflow timeouts, exports later) and the
-- person imports that run as jobs. The runner is instance-wide, so the claim index does not
-- start with tenant_id; every other key does.

CREATE TABLE jobs (
    tenant_id UUID NOT NULL REFERENCES tenants (id),
    id UUID NOT NULL,
    kind TEXT NOT NULL,
    payload JSONB NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    progress_done BIGINT NOT NULL,
    progress_total BIGINT,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    run_after TIMESTAMPTZ NOT NULL,
    -- The runner holding the job and until when; a lease that ran out is taken again.
    locked_by TEXT,
    locked_until TIMESTAMPTZ,
    error TEXT,
    result JSONB,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES accounts (tenant_id, id)
);
CREATE INDEX jobs_ready ON jobs (state, run_after);
CREATE INDEX jobs_tenant_kind ON jobs (tenant_id, kind, id);

CREATE TABLE person_imports (
    tenant_id UUID NOT NULL REFERENCES tenants (id),
    id UUID NOT NULL,
    -- csv or vcard
    format TEXT NOT NULL CHECK (format IN ('csv', 'vcard')),
    file_name TEXT NOT NULL,
    -- The uploaded bytes, kept in the content-addressed file store.
    file_hash TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    encoding TEXT NOT NULL,
    delimiter TEXT NOT NULL,
    headers JSONB NOT NULL,
    mapping JSONB,
    -- uploaded: mapping to choose; checked: dry run done; started: its job runs or ran.
    state TEXT NOT NULL CHECK (state IN ('uploaded', 'checked', 'started')),
    total_rows BIGINT,
    accepted_rows BIGINT,
    rejected_rows BIGINT,
    -- The rejected rows with their reasons (JSON in the file store).
    rejected_hash TEXT,
    job_id UUID,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, job_id) REFERENCES jobs (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES accounts (tenant_id, id)
);
CREATE INDEX person_imports_created ON person_imports (tenant_id, created_at);

-- The import that created a person, if any.
ALTER TABLE persons ADD COLUMN import_id UUID;

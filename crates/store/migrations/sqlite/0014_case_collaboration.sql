-- Working together on cases: links between cases, duplicates merged into a main case,
-- agents following a case, and the staff's in-app notifications (mentions in notes, news on
-- followed cases). Canned responses get an English text beside the French one.

-- One link per pair of cases, read both ways: case_id is `related` to, a `duplicate` of, or
-- the `parent` of other_case_id.
CREATE TABLE case_links (
    tenant_id BLOB NOT NULL,
    case_id BLOB NOT NULL,
    other_case_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    created_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, case_id, other_case_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    FOREIGN KEY (tenant_id, other_case_id) REFERENCES cases (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES accounts (tenant_id, id)
);
CREATE INDEX case_links_other ON case_links (tenant_id, other_case_id);

-- A duplicate closed as merged into its main case (once: the primary key is the duplicate).
CREATE TABLE case_merges (
    tenant_id BLOB NOT NULL,
    case_id BLOB NOT NULL,
    into_case_id BLOB NOT NULL,
    merged_by BLOB,
    merged_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, case_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    FOREIGN KEY (tenant_id, into_case_id) REFERENCES cases (tenant_id, id),
    FOREIGN KEY (tenant_id, merged_by) REFERENCES accounts (tenant_id, id)
);
CREATE INDEX case_merges_into ON case_merges (tenant_id, into_case_id);

CREATE TABLE case_followers (
    tenant_id BLOB NOT NULL,
    case_id BLOB NOT NULL,
    account_id BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, case_id, account_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
);
CREATE INDEX case_followers_account ON case_followers (tenant_id, account_id);

-- kind: mention, message, status, merged. read_at NULL while unread.
CREATE TABLE staff_notifications (
    tenant_id BLOB NOT NULL,
    id BLOB NOT NULL,
    account_id BLOB NOT NULL,
    case_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    actor_label TEXT NOT NULL,
    excerpt TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)
);
CREATE INDEX staff_notifications_account
    ON staff_notifications (tenant_id, account_id, created_at);

ALTER TABLE canned_responses ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE canned_responses ADD COLUMN body_en TEXT NOT NULL DEFAULT '';

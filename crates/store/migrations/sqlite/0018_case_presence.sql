-- Who has a case open in the back office: each showing of the case page to a staff member
-- writes the time here, and the page names the colleagues seen on it in the last minutes
-- (`relais_domain::collaboration::OPEN_FOR_MINUTES`). Only the last look of each staff member
-- is kept, and the hourly housekeeping removes looks older than a day (by `seen_at`, across
-- tenants): no history of reading.
CREATE TABLE case_presence (
    tenant_id BLOB NOT NULL,
    case_id BLOB NOT NULL,
    account_id BLOB NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, case_id, account_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
);
CREATE INDEX case_presence_seen ON case_presence (seen_at);

-- Portal accounts: verified e-mail, the person record an account acts for, e-mail
-- sign-ups waiting for their link, notification preferences and the daily digest, single sign-on through
-- OpenID Connect (one provider per tenant), and what deleting an account does to the
-- person's data.

-- When the address was last proved (the sign-up link, or a provider that vouches for it).
-- Accounts that existed before (made by an administrator or the demo) count from creation.
ALTER TABLE accounts ADD COLUMN email_verified_at TEXT;
UPDATE accounts SET email_verified_at = created_at;

-- What deleting a portal account does to the person record behind it: 'pseudonymise'
-- (identity replaced by a pseudonym, contact points, consents and custom values erased;
-- cases kept, as the law requires) or 'keep_record' (the record stays under the tenant's own
-- retention rules; only the account goes).
ALTER TABLE tenants ADD COLUMN account_deletion TEXT NOT NULL DEFAULT 'pseudonymise'
    CHECK (account_deletion IN ('pseudonymise', 'keep_record'));

-- The person a portal account acts for (at most one).
CREATE TABLE account_persons (
    tenant_id BLOB NOT NULL,
    account_id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    linked_by TEXT NOT NULL CHECK (linked_by IN ('sign_up', 'oidc', 'staff')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, account_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, person_id) REFERENCES persons (tenant_id, id)
);
CREATE INDEX account_persons_person ON account_persons (tenant_id, person_id);

-- Sign-ups waiting for their e-mail to be proved. The account (and the person record) only
-- exist once the link mailed to the address is followed, so unproved addresses never reach
-- the accounts or the people of the tenant. Only the SHA-256 of the link's token is kept;
-- the password is already an argon2id hash. Expired rows are removed at the next sign-up.
CREATE TABLE sign_ups (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    token_hash TEXT NOT NULL,
    email TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    locale TEXT NOT NULL CHECK (locale IN ('fr', 'en')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (tenant_id, token_hash)
);
CREATE INDEX sign_ups_email ON sign_ups (tenant_id, email);

-- How an account wants to hear about each kind of event; no row: immediately.
CREATE TABLE notification_preferences (
    tenant_id BLOB NOT NULL,
    account_id BLOB NOT NULL,
    event_kind TEXT NOT NULL,
    delivery TEXT NOT NULL CHECK (delivery IN ('immediately', 'daily', 'never')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, account_id, event_kind),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
);

-- Notifications held for the daily digest, sent (and marked) by the digest job.
CREATE TABLE notification_digest (
    tenant_id BLOB NOT NULL,
    id BLOB NOT NULL,
    account_id BLOB NOT NULL,
    event_kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
);
CREATE INDEX notification_digest_pending ON notification_digest (tenant_id, account_id, created_at)
    WHERE sent_at IS NULL;

-- The tenant's OpenID Connect provider (FranceConnect or any compatible one).
CREATE TABLE oidc_providers (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    label TEXT NOT NULL,
    scopes TEXT NOT NULL DEFAULT 'openid profile email',
    acr_values TEXT,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id)
);

-- Sign-ins under way: the state (hashed), nonce and PKCE verifier of each, for ten minutes.
CREATE TABLE oidc_logins (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    state_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, state_hash)
);

-- Which account an identity of the provider (issuer, subject) signs in to.
CREATE TABLE oidc_identities (
    tenant_id BLOB NOT NULL,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    account_id BLOB NOT NULL,
    created_at TEXT NOT NULL,
    last_login_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, issuer, subject),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
);
CREATE INDEX oidc_identities_account ON oidc_identities (tenant_id, account_id);

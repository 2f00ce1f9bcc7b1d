-- A tenant's own outgoing mail server, set by its administrators; without a row, the
-- instance's [mail] settings (or the .eml folder) carry the tenant's mail. The password is
-- never shown back by the application, nor written to the audit log.
CREATE TABLE tenant_mail_settings (
    tenant_id UUID NOT NULL REFERENCES tenants (id),
    host TEXT NOT NULL,
    port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    tls TEXT NOT NULL CHECK (tls IN ('none', 'starttls', 'tls')),
    username TEXT,
    password TEXT,
    sender TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id)
);

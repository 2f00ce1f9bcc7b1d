-- Back office: labels on cases, and the indexes behind the agents' views.
--
-- Every view lists cases newest first by (submitted_at, id) and pages by keyset, so each
-- index ends with those two columns: the list walks the index in order and stops after one
-- page. The working views only show cases still being handled; partial indexes hold those
-- alone (the query repeats the same predicate, which is how both backends pick them).

CREATE TABLE case_labels (
    tenant_id UUID NOT NULL,
    case_id UUID NOT NULL,
    label TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, case_id, label),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)
);
CREATE INDEX case_labels_label ON case_labels (tenant_id, label, case_id);

-- Replies an agent can start from; {reference}, {given_name}… are filled in when used.
CREATE TABLE canned_responses (
    tenant_id UUID NOT NULL REFERENCES tenants (id),
    id UUID NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, title)
);

-- An agent's own views: a name and the query string of the case list.
CREATE TABLE saved_views (
    tenant_id UUID NOT NULL,
    id UUID NOT NULL,
    account_id UUID NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, account_id, name),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
);

-- Where a new case of a service goes: a team, then (if round_robin) the next available
-- member of it in turn; last_assignee_id remembers whose turn it was.
CREATE TABLE routing_rules (
    tenant_id UUID NOT NULL,
    service_id UUID NOT NULL,
    team_id UUID NOT NULL,
    round_robin BOOLEAN NOT NULL,
    last_assignee_id UUID,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, service_id),
    FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, id),
    FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id),
    FOREIGN KEY (tenant_id, last_assignee_id) REFERENCES accounts (tenant_id, id)
);

-- Whether an agent takes new cases (available or away) and how many open cases at most.
CREATE TABLE agent_availability (
    tenant_id UUID NOT NULL,
    account_id UUID NOT NULL,
    available BOOLEAN NOT NULL,
    capacity INTEGER,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, account_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
);

CREATE INDEX cases_recent ON cases (tenant_id, submitted_at, id);
CREATE INDEX cases_kind_recent ON cases (tenant_id, status_kind, submitted_at, id);
CREATE INDEX cases_active_recent ON cases (tenant_id, submitted_at, id)
    WHERE status_kind IN ('open', 'waiting_requester', 'waiting_third_party');
CREATE INDEX cases_active_assignee ON cases (tenant_id, assignee_id, submitted_at, id)
    WHERE status_kind IN ('open', 'waiting_requester', 'waiting_third_party');
CREATE INDEX cases_active_team ON cases (tenant_id, team_id, submitted_at, id)
    WHERE status_kind IN ('open', 'waiting_requester', 'waiting_third_party');
CREATE INDEX cases_active_sla ON cases (tenant_id, sla_state, submitted_at, id)
    WHERE status_kind IN ('open', 'waiting_requester', 'waiting_third_party');

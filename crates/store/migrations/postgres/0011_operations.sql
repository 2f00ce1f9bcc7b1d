-- Operations of the back office: how routing picks an agent (strategy and skill), agents'
-- skills, automation rules and their runs.

-- The strategy of a service's routing rule (round_robin stays for older readers and is kept
-- equal to strategy = 'round_robin'), and the skill a 'skills' rule asks for.
ALTER TABLE routing_rules ADD COLUMN strategy TEXT NOT NULL DEFAULT 'team_only'
    CHECK (strategy IN ('team_only', 'round_robin', 'least_loaded', 'skills'));
ALTER TABLE routing_rules ADD COLUMN skill TEXT;

CREATE TABLE agent_skills (
    tenant_id UUID NOT NULL,
    account_id UUID NOT NULL,
    skill TEXT NOT NULL,
    PRIMARY KEY (tenant_id, account_id, skill),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
);

-- A rule: when (trigger, with delay_days for time-based ones), on which cases (conditions,
-- JSON), do what (actions, JSON). Checked by relais_domain::automation before it is saved.
CREATE TABLE automation_rules (
    tenant_id UUID NOT NULL REFERENCES tenants (id),
    id UUID NOT NULL,
    name TEXT NOT NULL,
    trigger TEXT NOT NULL,
    delay_days INTEGER,
    conditions TEXT NOT NULL,
    actions TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

-- Each time a rule ran on a case. run_key makes a time-based rule run once per stay in a
-- status (the status and when it was entered); an event rule's key is its event's id.
CREATE TABLE automation_runs (
    tenant_id UUID NOT NULL,
    id UUID NOT NULL,
    rule_id UUID NOT NULL,
    case_id UUID NOT NULL,
    run_key TEXT NOT NULL,
    outcome TEXT NOT NULL,
    ran_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, rule_id, case_id, run_key),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES automation_rules (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)
);
CREATE INDEX automation_runs_case ON automation_runs (tenant_id, case_id, ran_at);

-- Committee settings (issue 10): one dated store of what a committee sets for its subtree. Rows
-- are never updated: a change is a new row from a date; an empty value clears the org's own
-- setting from that date. The local rule sets switched on per org move here as switches in
-- force since always (1900-01-01), so every existing check keeps its findings.
CREATE TABLE committee_settings (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    setting_key TEXT NOT NULL,
    value TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX committee_settings_path ON committee_settings(org_path, setting_key, effective_from);

INSERT INTO committee_settings (org_id, org_path, setting_key, value, effective_from, created_by, created_at)
SELECT org_id, org_path, 'rule_set.' || rule_set, 'on', '1900-01-01', created_by, created_at FROM org_rule_sets;

DROP TABLE org_rule_sets;

-- Explanations (情况说明) name the finding's subject ("member:12"); those given before name none
-- and keep explaining the org's findings of their rule and period, as they did.
ALTER TABLE finding_explanations ADD COLUMN subject TEXT NOT NULL DEFAULT '';

-- The purpose of a 党员大会 vote (issue 10, quorum by purpose): ordinary matters, admission or
-- confirmation of a member, elections. Votes recorded before were ordinary.
ALTER TABLE meeting_resolutions ADD COLUMN purpose TEXT NOT NULL DEFAULT 'ordinary';

-- 延长预备期 (DEV-PROBATION): an extension of the probation by 6 to 12 months, as recorded.
ALTER TABLE members ADD COLUMN probation_extension_months BIGINT;

-- CON-LAPSE's third condition, as the branch records it: a month in which a member did not do
-- the work the party assigned, without good reason (不做党所分配的工作). One row per member and
-- month; the path is the member's branch, for scoping.
CREATE TABLE member_work_refusals (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    branch_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    month TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX member_work_refusals_month ON member_work_refusals(member_id, month);
CREATE INDEX member_work_refusals_branch ON member_work_refusals(branch_id, month);

-- Members are counted by their status on the day checked (storage::member::status_on_sql): the
-- covering index of 0005 gains the two dates that reading needs, so the count stays index-only.
DROP INDEX members_facts;
CREATE INDEX members_facts ON members(id, status, joined_on, status_changed_on, confirmed_on);

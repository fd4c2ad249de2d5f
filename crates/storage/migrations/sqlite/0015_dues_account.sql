-- The dues account of an org that keeps one (issue 13, DUES-ACCOUNT): interest, allocations from
-- above, remittances and spending. The dues collected are not entries: they are the members'
-- payments, summed. Keep in step with ../postgres/0015_dues_account.sql.
CREATE TABLE dues_account_entries (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    entry_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    purpose TEXT,
    meeting_id BIGINT REFERENCES meetings(id),
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX dues_account_entries_org ON dues_account_entries(org_id, entry_on);

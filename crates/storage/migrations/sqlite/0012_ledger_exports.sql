-- Each export of an org's ledger for a year (issue: daily use, item 3): a record corrected after
-- the last export is flagged on the next one, so the copy handed to an inspector is not
-- silently different from the one filed before.
CREATE TABLE ledger_exports (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    year BIGINT NOT NULL,
    exported_at BIGINT NOT NULL,
    account_id BIGINT NOT NULL
);
CREATE INDEX ledger_exports_org_year ON ledger_exports(org_id, year, exported_at);

-- Party dues (issue 13). Keep in step with ../postgres/0014_dues.sql.
-- Months are stored as their first day ('2026-03-01'); money as integer fen.

-- Dated dues bases (党费基数): the category and monthly base from a month on (DUES-BASE,
-- DUES-CHANGE). members.dues_category becomes a cache of the record in force.
CREATE TABLE dues_bases (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    from_month TEXT NOT NULL,
    category TEXT NOT NULL,
    base_fen BIGINT NOT NULL,
    chosen_fen BIGINT,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX dues_bases_member ON dues_bases(member_id, from_month, id);

-- Hardship reductions and exemptions (DUES-HARDSHIP): the branch's study, the approving
-- committee and the date; never a category.
CREATE TABLE dues_hardships (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    from_month TEXT NOT NULL,
    to_month TEXT,
    amount_fen BIGINT NOT NULL,
    studied_on TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX dues_hardships_member ON dues_hardships(member_id, from_month);

-- The branch's consent to quarterly payment (DUES-PERIOD).
CREATE TABLE dues_quarterly (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    from_month TEXT NOT NULL,
    to_month TEXT,
    agreed_on TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX dues_quarterly_member ON dues_quarterly(member_id, from_month);

-- Payments, one row per member, month and payment (DUES-PERIOD, DUES-VOLUNTARY). org_id is the
-- branch that collected it.
CREATE TABLE dues_payments (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    month TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    paid_on TEXT NOT NULL,
    method TEXT NOT NULL,
    payer TEXT NOT NULL,
    proxy_name TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    to_centre BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX dues_payments_member ON dues_payments(member_id, month, kind, amount_fen);
CREATE INDEX dues_payments_org ON dues_payments(org_id, month);

-- A branch's yearly publication of dues collection to its members (DUES-PUBLISH).
CREATE TABLE dues_publications (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year BIGINT NOT NULL,
    published_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX dues_publications_year ON dues_publications(org_id, year);

-- Transfers of membership (组织关系转接, EDU-TRANSFER): inside the system (from_org_id and
-- to_org_id, both branches), out of it (from_org_id; counterpart is the destination) and into it
-- (to_org_id; counterpart is the origin). The member's letter data (name, sex, ethnicity, birth
-- date, ID number, status) is kept as it was on the letter: the receiving org sees this, not the
-- member's record, until it takes the member in.
CREATE TABLE transfers (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    from_org_id BIGINT REFERENCES orgs(id),
    to_org_id BIGINT REFERENCES orgs(id),
    counterpart TEXT NOT NULL DEFAULT '',
    member_name TEXT NOT NULL,
    gender TEXT NOT NULL,
    ethnicity TEXT NOT NULL DEFAULT '',
    birth_date TEXT NOT NULL,
    id_number TEXT,
    member_status TEXT NOT NULL,
    letter_no TEXT NOT NULL DEFAULT '',
    issued_on TEXT NOT NULL,
    valid_days BIGINT NOT NULL,
    dues_paid_to TEXT,
    reason TEXT NOT NULL DEFAULT '',
    settled_on TEXT,
    settled_note TEXT NOT NULL DEFAULT '',
    receipt_handler TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    settled_by BIGINT
);
CREATE INDEX transfers_from ON transfers(from_org_id, state);
CREATE INDEX transfers_to ON transfers(to_org_id, state);
CREATE INDEX transfers_member ON transfers(member_id, state);

-- Members away (外出登记): a mobile member's departure (the day, where, whether the place is
-- relatively fixed: EDU-TRANSFER, EDU-FLOATING), a graduate whose membership relation the school
-- keeps, or a member studying abroad (EDU-GRADS). The registry's mobile_member and
-- mobile_destination (the national items) are kept in step with the open mobile record.
CREATE TABLE member_away (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    kind TEXT NOT NULL,
    left_on TEXT NOT NULL,
    destination TEXT NOT NULL DEFAULT '',
    fixed_place BIGINT NOT NULL DEFAULT 0,
    -- A graduate's keeping extended with approval (EDU-GRADS): to this day, by this document.
    extended_to TEXT,
    extension_doc TEXT NOT NULL DEFAULT '',
    -- Returned, transferred, or otherwise over.
    ended_on TEXT,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX member_away_member ON member_away(member_id, left_on);

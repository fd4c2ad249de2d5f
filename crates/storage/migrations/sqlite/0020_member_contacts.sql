-- The contact log of mobile members (流动党员, EDU-FLOATING): each contact the branch kept with a
-- member away, with its day, way (phone, visit, letter …), who made it and a note.
CREATE TABLE member_contacts (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    contacted_on TEXT NOT NULL,
    way TEXT NOT NULL,
    by_name TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX member_contacts_member ON member_contacts(member_id, contacted_on);

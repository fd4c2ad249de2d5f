-- Organizational life in full: the other party of a talk (谈心谈话), resolutions with their votes,
-- attachments, member appraisal ratings (民主评议), leading cadres who take part in a branch's
-- organizational life (双重组织生活), and local rule sets switched on for a subtree.
-- Keep in step with ../postgres/0004_org_life_details.sql.

-- The talk's other party (the talker is host_member_id); the reason for the talk.
ALTER TABLE meetings ADD COLUMN partner_member_id BIGINT REFERENCES members(id);
ALTER TABLE meetings ADD COLUMN talk_reason TEXT;

CREATE TABLE meeting_resolutions (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    position BIGINT NOT NULL,
    text TEXT NOT NULL,
    voters_expected BIGINT NOT NULL,
    voters_present BIGINT NOT NULL,
    yes BIGINT NOT NULL,
    no BIGINT NOT NULL,
    abstain BIGINT NOT NULL
);
CREATE INDEX meeting_resolutions_meeting ON meeting_resolutions(meeting_id, position);

CREATE TABLE meeting_attachments (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX meeting_attachments_meeting ON meeting_attachments(meeting_id);

CREATE TABLE appraisal_ratings (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    rating TEXT NOT NULL
);
CREATE UNIQUE INDEX appraisal_ratings_meeting_member ON appraisal_ratings(meeting_id, member_id);

CREATE TABLE dual_org_life (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    start_on TEXT NOT NULL,
    end_on TEXT,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX dual_org_life_org ON dual_org_life(org_id, start_on);

CREATE TABLE org_rule_sets (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    rule_set TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX org_rule_sets_org ON org_rule_sets(org_id, rule_set);

ALTER TABLE finding_explanations ADD COLUMN org_path TEXT NOT NULL DEFAULT '';

-- Leading cadres present under 双重组织生活 take part without a vote in this branch.
ALTER TABLE meeting_attendance ADD COLUMN dual_org_life BIGINT NOT NULL DEFAULT 0;

-- MTG-LESSON: a secretary's lectures, wherever given.
CREATE INDEX meetings_lecturer ON meetings(lecturer_member_id, held_on);

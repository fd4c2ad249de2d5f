-- 三重一大 (SANZHONG-YIDA): the register of matters a committee decided collectively, each tied to
-- the committee meeting that decided it, with its votes and who stepped aside for a conflict of
-- interest. Keep in step with ../postgres/0032_major_decisions.sql.
CREATE TABLE major_decisions (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    decided_on TEXT NOT NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    -- Fen, for a project or a use of funds.
    amount BIGINT,
    voters BIGINT NOT NULL,
    yes BIGINT NOT NULL,
    no BIGINT NOT NULL,
    abstain BIGINT NOT NULL,
    passed BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX major_decisions_path ON major_decisions(org_path, decided_on);
CREATE INDEX major_decisions_meeting ON major_decisions(meeting_id);

-- A committee member who stepped aside (回避) for a conflict of interest.
CREATE TABLE major_decision_recusals (
    decision_id BIGINT NOT NULL REFERENCES major_decisions(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    PRIMARY KEY (decision_id, member_id)
);

-- Decisions on a member's membership (党籍处置) and party discipline (纪律处分): the only way a
-- member's status becomes suspended (停止党籍), left (已出党) or deceased, and the 留党察看
-- periods that take away the rights to vote, stand and introduce (EL-RIGHTS). status_before and
-- status_after record what the decision did. For a 留党察看, last_day is the period's last day and
-- restored_on the day of an earlier 恢复党员权利. org_id is the member's branch on the day.
CREATE TABLE member_decisions (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    body TEXT NOT NULL,
    document_no TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    months BIGINT,
    last_day TEXT,
    restored_on TEXT,
    status_before TEXT NOT NULL,
    status_after TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX member_decisions_member ON member_decisions(member_id, decided_on, id);
CREATE INDEX member_decisions_org ON member_decisions(org_id, kind);

-- Organizational life: records of meetings (三会一课, 主题党日, 组织生活会 …) and their attendance,
-- and explanations people give for findings. Keep in step with ../postgres/0003_org_life.sql.

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    start_time TEXT,
    place TEXT NOT NULL DEFAULT '',
    topic TEXT NOT NULL,
    host_member_id BIGINT REFERENCES members(id),
    recorder_member_id BIGINT REFERENCES members(id),
    lecturer_member_id BIGINT REFERENCES members(id),
    first_agenda_item TEXT,
    minutes TEXT NOT NULL DEFAULT '',
    has_vote BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX meetings_org ON meetings(org_id, held_on);
CREATE INDEX meetings_path ON meetings(org_path, held_on);

CREATE TABLE meeting_attendance (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    probationary BIGINT NOT NULL DEFAULT 0,
    attendance TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX meeting_attendance_meeting ON meeting_attendance(meeting_id);
CREATE INDEX meeting_attendance_member ON meeting_attendance(member_id);

CREATE TABLE finding_explanations (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    rule_id TEXT NOT NULL,
    period_start TEXT NOT NULL,
    reason TEXT NOT NULL,
    account_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX finding_explanations_org ON finding_explanations(org_id, rule_id);

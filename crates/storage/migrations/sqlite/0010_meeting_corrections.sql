-- Corrections of meeting records (issue: daily use, item 3): a record is corrected, never
-- silently rewritten; each correction keeps why, who, when and the record as it was.
CREATE TABLE meeting_corrections (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    org_path TEXT NOT NULL,
    reason TEXT NOT NULL,
    before_json TEXT NOT NULL,
    account_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX meeting_corrections_meeting ON meeting_corrections(meeting_id);

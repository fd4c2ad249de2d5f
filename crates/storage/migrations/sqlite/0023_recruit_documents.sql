-- Recruitment's documents (the application, the talk's record, the review's conclusion, the
-- 志愿书 …): files attached to a person's path, each to the step it belongs to, stored under the
-- data directory by SHA-256 like meeting attachments.
CREATE TABLE recruit_documents (
    id INTEGER PRIMARY KEY,
    recruit_id BIGINT NOT NULL REFERENCES recruits(id),
    step TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX recruit_documents_recruit ON recruit_documents(recruit_id);

-- 双培养: a member who is a key teacher (骨干教师); a person admitted from recruitment keeps the
-- flag of their record.
ALTER TABLE members ADD COLUMN key_teacher BIGINT NOT NULL DEFAULT 0;

-- DEV-PROBATION: an extension of the probation is a decision: its day and the deciding body.
ALTER TABLE recruits ADD COLUMN extension_on TEXT;
ALTER TABLE recruits ADD COLUMN extension_body TEXT NOT NULL DEFAULT '';

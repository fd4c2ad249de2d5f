-- Attachments of a request or report (请示报告): the files either side adds to the thread, kept
-- in the file store by their SHA-256 as meeting attachments are. Keep in step with the other
-- backend's 0035_major_matter_attachments.sql.
CREATE TABLE major_matter_attachments (
    id INTEGER PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES major_matter_reports(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX major_matter_attachments_report ON major_matter_attachments(report_id);

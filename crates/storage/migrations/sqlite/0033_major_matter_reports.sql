-- 重大事项请示报告 (REPORT-ONE-MATTER): requests and reports sent by an org to its parent, and
-- the thread of answers, returns and forwards. A forwarded request continues as a copy sent by the
-- superior to its own parent (`forwarded_from`). Keep in step with
-- ../postgres/0033_major_matter_reports.sql.
CREATE TABLE major_matter_reports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    from_org_id BIGINT NOT NULL REFERENCES orgs(id),
    from_org_path TEXT NOT NULL,
    to_org_id BIGINT NOT NULL REFERENCES orgs(id),
    to_org_path TEXT NOT NULL,
    title TEXT NOT NULL,
    -- The one matter of a request; empty for a report.
    matter TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    -- The day it reached `to_org` (submitted, or forwarded).
    received_on TEXT NOT NULL,
    closed_on TEXT,
    forwarded_from BIGINT REFERENCES major_matter_reports(id),
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX major_matter_reports_to ON major_matter_reports(to_org_id, state, received_on);
CREATE INDEX major_matter_reports_from ON major_matter_reports(from_org_id, received_on);

-- The thread: what the superior did (answer, return, forward) and when, with its text.
CREATE TABLE major_matter_replies (
    id INTEGER PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES major_matter_reports(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    action TEXT NOT NULL,
    text TEXT NOT NULL,
    on_date TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX major_matter_replies_report ON major_matter_replies(report_id);

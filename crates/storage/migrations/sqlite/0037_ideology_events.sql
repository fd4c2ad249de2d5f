-- Events on sensitive dates (敏感时间节点活动, IDEOLOGY-RESP): what an org held, where, who
-- answered for it, and who approved it and when; `sensitive` says whether its day was one the
-- committee marked when it was recorded. Keep in step with ../postgres/0037_ideology_events.sql.
CREATE TABLE ideology_events (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT NOT NULL,
    speaker TEXT NOT NULL DEFAULT '',
    responsible TEXT NOT NULL,
    approved_by TEXT,
    approved_on TEXT,
    sensitive BIGINT NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX ideology_events_path ON ideology_events(org_path, held_on);

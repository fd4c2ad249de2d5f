-- 意识形态阵地 (IDEOLOGY-RESP): the register of an org's ideological positions with who is
-- responsible, who approved them and when, and the last review. Keep in step with
-- ../postgres/0034_ideology_positions.sql.
CREATE TABLE ideology_positions (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    responsible TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_on TEXT NOT NULL,
    reviewed_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX ideology_positions_path ON ideology_positions(org_path);

-- Units a committee oversees (COVER-PRIVATE): schools, kindergartens, training institutions and
-- organs, with or without a party organization; the orgs linked to each (a joint branch to
-- several), the party-building instructors (党建指导员) serving it, and its yearly inspections.
-- `org_path` is the registering committee's path (the scope). Members' 工作单位 is matched to a
-- unit's name, hence the index on members(unit_name). Keep in step with ../postgres/0038_units.sql.
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    name TEXT NOT NULL,
    unit_type TEXT NOT NULL,
    ownership TEXT NOT NULL,
    supervisor TEXT NOT NULL DEFAULT '',
    level BIGINT,
    credit_code TEXT NOT NULL DEFAULT '',
    charter_on TEXT,
    charter_doc TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX units_committee_name ON units(committee_id, name);
CREATE INDEX units_path ON units(org_path, name);

CREATE TABLE org_units (
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, unit_id)
);
CREATE INDEX org_units_unit ON org_units(unit_id);

CREATE TABLE unit_instructors (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    start_on TEXT NOT NULL,
    end_on TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX unit_instructors_unit ON unit_instructors(unit_id);

CREATE TABLE unit_inspections (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    year BIGINT NOT NULL,
    inspected_on TEXT NOT NULL,
    party_building BIGINT NOT NULL,
    document TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX unit_inspections_unit ON unit_inspections(unit_id, year);

CREATE INDEX members_unit_name ON members(unit_name);

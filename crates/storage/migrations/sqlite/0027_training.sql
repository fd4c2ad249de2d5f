-- Study and training (学习培训): training classes with their class hours and the members who
-- completed them, class hours on 党课 and study-session records, and yearly totals imported from an
-- outside platform. Hours are kept in tenths (31.5 hours is 315). Keep in step with
-- ../postgres/0027_training.sql.
CREATE TABLE training_classes (
    id INTEGER PRIMARY KEY,
    -- The org that records the class (it sees it; its subtree's members enrol).
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    organiser TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    hours BIGINT NOT NULL,
    concentrated BIGINT NOT NULL DEFAULT 0,
    place TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX training_classes_path ON training_classes(org_path, ends_on);

-- A member enrolled in a class; only a completed enrolment earns the class's hours.
CREATE TABLE training_enrolments (
    id INTEGER PRIMARY KEY,
    class_id BIGINT NOT NULL REFERENCES training_classes(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    completed BIGINT NOT NULL DEFAULT 0,
    UNIQUE (class_id, member_id)
);
CREATE INDEX training_enrolments_member ON training_enrolments(member_id);

-- A member's total of a year from an outside platform (学习强国, 党员教育平台 …), as the platform
-- reported it: one row per member, year and source; a new import of the same source replaces it.
CREATE TABLE training_hours_imported (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    year BIGINT NOT NULL,
    source TEXT NOT NULL,
    hours BIGINT NOT NULL,
    imported_by BIGINT,
    imported_at BIGINT NOT NULL,
    UNIQUE (member_id, year, source)
);

-- The class hours a 党课 or a study session gave those present (NULL: not counted).
ALTER TABLE meetings ADD COLUMN class_hours BIGINT;

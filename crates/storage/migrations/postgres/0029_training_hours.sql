-- Each member's class hours of a year by source, kept on write from training_enrolments,
-- training_classes, meetings (class_hours) with meeting_attendance, and training_hours_imported
-- (storage::training::refresh): the full check and the registers read one row per member instead
-- of every attendance row. A contract test compares it with the sources. Hours in tenths.
-- Keep in step with ../sqlite/0029_training_hours.sql.
CREATE TABLE training_hours (
    member_id BIGINT NOT NULL REFERENCES members(id),
    year BIGINT NOT NULL,
    classes BIGINT NOT NULL,
    concentrated BIGINT NOT NULL,
    meetings BIGINT NOT NULL,
    imported BIGINT NOT NULL,
    PRIMARY KEY (member_id, year)
);

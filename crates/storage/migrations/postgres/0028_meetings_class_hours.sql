-- The province's hours roll-up reads the year's meetings that gave class hours, grouped by member
-- (storage::training::Rollup::BySource): only those, by day. Keep in step with
-- ../sqlite/0028_meetings_class_hours.sql.
CREATE INDEX meetings_class_hours ON meetings(held_on) WHERE class_hours IS NOT NULL;

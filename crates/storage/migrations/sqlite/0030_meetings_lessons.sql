-- 思政课 (SZK-LECTURE) and 民主生活会: a lesson given by the school's principal is marked, and a
-- 民主生活会 records the guidance of the level above (上级指导). Keep in step with the other
-- backend's 0030_meetings_lessons.sql.
ALTER TABLE meetings ADD COLUMN by_principal BIGINT NOT NULL DEFAULT 0;
ALTER TABLE meetings ADD COLUMN guidance TEXT;

-- The statistics' check "every admission has its recruitment record" looks each admitted member's
-- record up by member id.
CREATE INDEX recruits_member ON recruits(member_id);

-- Covering indexes for the full check (services::compliance, storage::check): a page of orgs'
-- meetings and their attendance are read from these indexes alone (on PostgreSQL an index-only
-- scan once the pages are all-visible). They begin with the columns of meetings_org and
-- meeting_attendance_meeting, which they replace. Identical in ../sqlite and ../postgres.

CREATE INDEX meetings_facts ON meetings(org_id, held_on, id, kind, lecturer_member_id, has_vote);
DROP INDEX meetings_org;

CREATE INDEX meeting_attendance_facts ON meeting_attendance(meeting_id, member_id, probationary, attendance, dual_org_life);
DROP INDEX meeting_attendance_meeting;

-- A page's member counts on a date (storage::check::member_counts_on): the spans of its orgs and
-- the status and joining date of their members, from indexes alone rather than one visit of a
-- wide member row per span (26,000 per page of a province).
CREATE INDEX member_org_spans_facts ON member_org_spans(org_id, kind, start_on, end_on, member_id);
DROP INDEX member_org_spans_org;
CREATE INDEX members_facts ON members(id, status, joined_on);

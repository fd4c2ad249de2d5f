-- Three summaries the full check and the dues close read instead of their source rows, kept by
-- the storage functions that write those rows (storage::meeting, storage::dues, the bulk
-- generators) in the same transaction. A contract test compares them with the source rows.
--
-- 1. Each meeting's attendance as one text of codes (storage::check::OrgMeetings): the check
--    read them through a subquery per meeting, most of its reading.
ALTER TABLE meetings ADD COLUMN attendance_codes TEXT NOT NULL DEFAULT '';
UPDATE meetings SET attendance_codes = COALESCE((SELECT group_concat(CAST(CASE WHEN a.probationary IN (0,1)
    AND a.dual_org_life IN (0,1) THEN a.member_id * 16 + a.probationary + 2 * a.dual_org_life
    + (CASE a.attendance WHEN 'present' THEN 0 WHEN 'excused' THEN 4 WHEN 'absent' THEN 8 ELSE 12 END)
    ELSE -1 END AS TEXT), ' ' ORDER BY a.member_id) FROM meeting_attendance a WHERE a.meeting_id = meetings.id), '');

-- 2. Each member's regular payments summed by month, one row a year: "month:fen,…" with the
--    month's number (1–12). The check reads 23 months of every member: 23 rows each before.
CREATE TABLE dues_paid_years (
    member_id BIGINT NOT NULL REFERENCES members(id),
    year BIGINT NOT NULL,
    paid TEXT NOT NULL,
    PRIMARY KEY (member_id, year)
) WITHOUT ROWID;
INSERT INTO dues_paid_years (member_id, year, paid)
SELECT member_id, y, group_concat(mm || ':' || s, ',' ORDER BY mm) FROM (
    SELECT member_id, CAST(substr(month, 1, 4) AS INTEGER) AS y, CAST(substr(month, 6, 2) AS INTEGER) AS mm,
        SUM(amount_fen) AS s
    FROM dues_payments WHERE kind = 'regular' GROUP BY member_id, month ORDER BY member_id, month
) GROUP BY member_id, y;

-- 3. Each member's dues records other than payments, as the check reads them: "bases;hardships;
--    quarterly", each a list of entries "field:field…" (storage::check::dues). Read through three
--    subqueries per member they were most of the dues read on PostgreSQL.
CREATE TABLE dues_cards (
    member_id BIGINT NOT NULL PRIMARY KEY REFERENCES members(id),
    card TEXT NOT NULL
);
INSERT INTO dues_cards (member_id, card)
SELECT m.id,
    COALESCE((SELECT group_concat(CAST(x.id AS TEXT) || ':' || x.from_month || ':' || x.category || ':' || CAST(x.base_fen AS TEXT)
        || ':' || COALESCE(CAST(x.chosen_fen AS TEXT), ''), ',' ORDER BY x.from_month, x.id) FROM dues_bases x
        WHERE x.member_id = m.id), '') || ';' ||
    COALESCE((SELECT group_concat(CAST(x.id AS TEXT) || ':' || x.from_month || ':' || COALESCE(x.to_month, '') || ':'
        || CAST(x.amount_fen AS TEXT), ',' ORDER BY x.from_month, x.id) FROM dues_hardships x WHERE x.member_id = m.id), '')
        || ';' ||
    COALESCE((SELECT group_concat(x.from_month || ':' || COALESCE(x.to_month, ''), ',' ORDER BY x.from_month, x.id)
        FROM dues_quarterly x WHERE x.member_id = m.id), '')
FROM members m
WHERE EXISTS (SELECT 1 FROM dues_bases x WHERE x.member_id = m.id)
    OR EXISTS (SELECT 1 FROM dues_hardships x WHERE x.member_id = m.id)
    OR EXISTS (SELECT 1 FROM dues_quarterly x WHERE x.member_id = m.id);

-- A full member was recorded as 正式党员 from the day of admission although confirmed (转正)
-- later. The history becomes 预备党员 from the admission and 正式党员 from the confirmation, and the
-- member row carries the date of that last record, as new members are written.
INSERT INTO member_status_changes (member_id, status, changed_on, created_at)
SELECT c.member_id, 'probationary', c.changed_on, c.created_at
FROM member_status_changes c JOIN members m ON m.id = c.member_id
WHERE c.status = 'full' AND c.changed_on = m.joined_on AND m.confirmed_on > c.changed_on;

UPDATE member_status_changes
SET changed_on = (SELECT m.confirmed_on FROM members m WHERE m.id = member_status_changes.member_id)
WHERE status = 'full' AND EXISTS (
    SELECT 1 FROM members m
    WHERE m.id = member_status_changes.member_id
      AND member_status_changes.changed_on = m.joined_on
      AND m.confirmed_on > member_status_changes.changed_on
);

UPDATE members SET status_changed_on = confirmed_on
WHERE status = 'full' AND status_changed_on = joined_on AND confirmed_on > joined_on;

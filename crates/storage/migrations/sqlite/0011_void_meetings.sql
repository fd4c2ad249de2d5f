-- Voiding a meeting record (作废, issue: daily use, item 3): the record stays, marked with the
-- day and the reason, and counts for nothing in checks, lists and ledgers.
ALTER TABLE meetings ADD COLUMN voided_on TEXT;
ALTER TABLE meetings ADD COLUMN void_reason TEXT;

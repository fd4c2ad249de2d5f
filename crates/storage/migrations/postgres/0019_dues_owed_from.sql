-- The first month a member owes dues here when it is not the month they joined: the month after
-- the "dues paid up to" month of the letter that brought them in (DUES-PROBATIONARY reads the
-- joining month otherwise).
ALTER TABLE members ADD COLUMN dues_owed_from TEXT;

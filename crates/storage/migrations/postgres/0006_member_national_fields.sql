-- The member items of the national member system's collection form and summary sheet (附件2 items
-- 13, 15 and 16; 附件4 columns O and Q–U) that the registry did not keep: an imported 附件4 sheet
-- exports back with them instead of losing them.
ALTER TABLE members ADD COLUMN address TEXT;
-- 是否为失联党员 (0/1) and 失去联系日期 as 'YYYY-MM'.
ALTER TABLE members ADD COLUMN lost_contact BIGINT NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN lost_contact_since TEXT;
-- 是否为流动党员 (0/1) and 外出流向 (province / city / county).
ALTER TABLE members ADD COLUMN mobile_member BIGINT NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN mobile_destination TEXT;
-- 备注.
ALTER TABLE members ADD COLUMN remark TEXT;

-- The chain head (last id and last MAC) authenticated with the audit key: without it, deleting the
-- newest entries and editing the head to match (or deleting every entry and resetting the head)
-- went unnoticed. An empty value is an unsealed head, which `audit verify` reports.
ALTER TABLE audit_head ADD COLUMN head_mac TEXT NOT NULL DEFAULT '';

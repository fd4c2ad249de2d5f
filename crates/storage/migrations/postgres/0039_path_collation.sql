-- Subtree reads compare paths as ranges (path >= '/1/2/' AND path < '/1/20'), which holds only in
-- byte order. The first tables declared their path columns COLLATE "C"; these later ones did not,
-- so on a database whose default collation is not C (en_US.UTF-8, zh_CN.UTF-8) their ranges could
-- miss or take in orgs. The SQLite twin is a no-op: SQLite compares text bytewise.
ALTER TABLE committee_settings ALTER COLUMN org_path TYPE TEXT COLLATE "C";
ALTER TABLE member_work_refusals ALTER COLUMN org_path TYPE TEXT COLLATE "C";
ALTER TABLE meeting_corrections ALTER COLUMN org_path TYPE TEXT COLLATE "C";
ALTER TABLE ledger_exports ALTER COLUMN org_path TYPE TEXT COLLATE "C";
ALTER TABLE recruits ALTER COLUMN branch_path TYPE TEXT COLLATE "C";
ALTER TABLE training_classes ALTER COLUMN org_path TYPE TEXT COLLATE "C";
ALTER TABLE questions ALTER COLUMN org_path TYPE TEXT COLLATE "C";
ALTER TABLE contests ALTER COLUMN org_path TYPE TEXT COLLATE "C";
ALTER TABLE contest_submissions ALTER COLUMN branch_path TYPE TEXT COLLATE "C";
ALTER TABLE major_decisions ALTER COLUMN org_path TYPE TEXT COLLATE "C";
ALTER TABLE major_matter_reports ALTER COLUMN from_org_path TYPE TEXT COLLATE "C";
ALTER TABLE major_matter_reports ALTER COLUMN to_org_path TYPE TEXT COLLATE "C";
ALTER TABLE ideology_positions ALTER COLUMN org_path TYPE TEXT COLLATE "C";

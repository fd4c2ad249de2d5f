-- Member search at province scale (millions of members). Keep in step with
-- ../sqlite/0002_member_search.sql.
--
-- A name-prefix search is a range (name >= '王' AND name < '玌'), which an index serves on both
-- backends. A range is a prefix only in code point order, so names now compare by code point
-- ("C", as SQLite's BINARY does): both backends sort the member list by name the same way, and
-- the list's ORDER BY name can walk the index instead of sorting every match.
-- The index also holds the branch path and status, so the scope, subtree and status filters of
-- the member list and its capped count are checked in the index (index-only scans); it is in
-- (name, id) order, the order of the list. It replaces members_name.
--
-- members_scope gains the id: a PostgreSQL index does not carry the row id as SQLite's does,
-- and a small subtree's members are sorted by (name, id) from the index alone.

DROP INDEX members_name;
ALTER TABLE members ALTER COLUMN name TYPE TEXT COLLATE "C";
CREATE INDEX members_name_path ON members(name, id, branch_path, status);
DROP INDEX members_scope;
CREATE INDEX members_scope ON members(branch_path, status, name, id);

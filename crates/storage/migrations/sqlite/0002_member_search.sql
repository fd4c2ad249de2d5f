-- Member search at province scale (millions of members). Keep in step with
-- ../postgres/0002_member_search.sql.
--
-- A name-prefix search is a range (name >= '王' AND name < '玌'), which an index serves on both
-- backends (SQLite will not use one for LIKE with a bound pattern). The index also holds the
-- branch path and status, so the scope, subtree and status filters of the member list and its
-- capped count are checked in the index without reading the rows; it is in (name, id) order,
-- the order of the list, so a page is the first rows of a range. It replaces members_name.
-- SQLite compares names by code point (BINARY), as PostgreSQL now does too.

DROP INDEX members_name;
CREATE INDEX members_name_path ON members(name, id, branch_path, status);

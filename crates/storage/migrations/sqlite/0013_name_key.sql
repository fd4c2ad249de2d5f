-- Names sort by pinyin. Keep in step with ../postgres/0013_name_key.sql.
--
-- name_key is the name's sort key (domain::collation::name_key: each character's syllable with
-- its tone number, "wang2wei3"), written with the name by every insert and update, and for the
-- rows already there when the database is opened (storage::member::fill_name_keys). The list's
-- indexes take it in place of the name: the list is in (name_key, id) order, and a name prefix
-- is a range of keys (the key of a name begins with the key of its prefix), the name itself
-- checked beside it: the index holds the name too, so the check (and the capped count of a
-- prefix search) is made in the index, without reading the rows.

ALTER TABLE members ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
DROP INDEX members_name_path;
CREATE INDEX members_name_path ON members(name_key, id, branch_path, status, name);
DROP INDEX members_scope;
CREATE INDEX members_scope ON members(branch_path, status, name_key);

-- The check and the recruitment deadlines read a page of branches' people by branch id; without
-- this index each page scanned every person in recruitment (and the planner, every step).
CREATE INDEX recruits_branch_id ON recruits(branch_id);

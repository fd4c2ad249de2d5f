-- Term elections (换届选举, EL-*): the org's term comes from its latest election, not a typed
-- field. orgs.term_start_on and term_years stay as the cache of that election that the full
-- check reads. mode is 'assembly' (党员大会), 'congress' (党员代表大会) or 'recorded' (a past
-- election known only by its day: every term start recorded before this migration).
CREATE TABLE elections (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    held_on TEXT NOT NULL,
    mode TEXT NOT NULL,
    term_years BIGINT,
    voters_expected BIGINT,
    voters_present BIGINT,
    seats BIGINT,
    ballots_issued BIGINT,
    ballots_returned BIGINT,
    ballots_invalid BIGINT,
    majority_base TEXT,
    approval_no TEXT NOT NULL DEFAULT '',
    approved_on TEXT,
    timing_approval_no TEXT NOT NULL DEFAULT '',
    congress_approval_no TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX elections_org ON elections(org_id, held_on);

-- The candidates of an election with their votes; elected ones carry the post they took
-- (secretary, deputy_secretary or committee_member).
CREATE TABLE election_candidates (
    id INTEGER PRIMARY KEY,
    election_id BIGINT NOT NULL REFERENCES elections(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    name TEXT NOT NULL,
    votes BIGINT NOT NULL,
    elected BIGINT NOT NULL,
    post TEXT
);
CREATE INDEX election_candidates_election ON election_candidates(election_id);

INSERT INTO elections (org_id, held_on, mode, term_years, created_at)
SELECT id, term_start_on, 'recorded', term_years, 0 FROM orgs WHERE term_start_on IS NOT NULL;

-- The "学条例" knowledge contest (知识竞赛): an org's question bank (题库), its contests with a
-- window and a question count, each contest's pool of questions as set, and each member's one
-- submission with its answers and score. Nothing records when or for how long anyone answered
-- (principle 7: no metric of online time, log-ins or streaks). Keep in step with
-- ../postgres/0031_contest.sql.
CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    -- The org whose bank holds the question.
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    kind TEXT NOT NULL,
    stem TEXT NOT NULL,
    -- The options A, B, … one a line (正确 and 错误 for a true / false question).
    options TEXT NOT NULL,
    -- The right letters, sorted ("AC").
    answer TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    -- A retired question stays for the contests that used it but is drawn no more.
    retired BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX questions_org ON questions(org_id, retired);

CREATE TABLE contests (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    org_path TEXT NOT NULL,
    title TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    question_count BIGINT NOT NULL,
    -- 竞赛排名: 1 when the committee chose a per-person ranking.
    ranking BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX contests_path ON contests(org_path, ends_on);

-- The contest's pool: the bank's questions on the day it was set, in order (domain::contest::draw).
CREATE TABLE contest_questions (
    contest_id BIGINT NOT NULL REFERENCES contests(id),
    position BIGINT NOT NULL,
    question_id BIGINT NOT NULL REFERENCES questions(id),
    PRIMARY KEY (contest_id, position)
);

-- One member's paper, handed in once: the branch they answered from and the score.
CREATE TABLE contest_submissions (
    id INTEGER PRIMARY KEY,
    contest_id BIGINT NOT NULL REFERENCES contests(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    branch_id BIGINT NOT NULL REFERENCES orgs(id),
    branch_path TEXT NOT NULL,
    score BIGINT NOT NULL,
    UNIQUE (contest_id, member_id)
);
CREATE INDEX contest_submissions_member ON contest_submissions(member_id);

CREATE TABLE contest_answers (
    submission_id BIGINT NOT NULL REFERENCES contest_submissions(id),
    position BIGINT NOT NULL,
    question_id BIGINT NOT NULL REFERENCES questions(id),
    answer TEXT NOT NULL,
    correct BIGINT NOT NULL,
    PRIMARY KEY (submission_id, position)
);

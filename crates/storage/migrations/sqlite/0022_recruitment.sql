-- Recruitment (发展党员): one row per person on the path from applicant to full member, with the
-- personal data of the member registry; the 25 steps as dated records (rules.md §4).
CREATE TABLE recruits (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    id_number TEXT NOT NULL UNIQUE,
    birth_date TEXT NOT NULL,
    gender TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    education TEXT,
    phone TEXT,
    unit_name TEXT NOT NULL DEFAULT '',
    post TEXT NOT NULL DEFAULT '',
    -- 双培养: a key teacher (骨干教师) in the pipeline.
    key_teacher BIGINT NOT NULL DEFAULT 0,
    branch_id BIGINT NOT NULL REFERENCES orgs(id),
    branch_path TEXT NOT NULL,
    -- DEV-POLREVIEW's conclusion once recorded (0/1), the probation's extension (DEV-PROBATION)
    -- and the day a probationary member was received by transfer (DEV-TRANSFER-PROB).
    review_passed BIGINT,
    extension_months BIGINT,
    transferred_in_on TEXT,
    -- The member record made at approval (step 17).
    member_id BIGINT REFERENCES members(id),
    -- Ended without admission or confirmation: the day and why.
    ended_on TEXT,
    end_reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX recruits_branch ON recruits(branch_path);

-- A step as recorded: its day, what it recorded (JSON: the people named, the assembly's counts,
-- the review's conclusion, the training's length), the reason for a departure from a rule
-- worded "一般", and a note.
CREATE TABLE recruit_steps (
    id INTEGER PRIMARY KEY,
    recruit_id BIGINT NOT NULL REFERENCES recruits(id),
    step TEXT NOT NULL,
    on_date TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    reason TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX recruit_steps_recruit ON recruit_steps(recruit_id, on_date);

-- DEV-APPROVER: whether an org may approve admissions (only a 党委, 工委 included; the kind alone
-- cannot say it): 0/1 when set, NULL for "as its kind says" (a committee may).
ALTER TABLE orgs ADD COLUMN may_approve_admissions BIGINT;

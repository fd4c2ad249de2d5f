-- Foundation schema: org tree, members, accounts, sessions, tokens, audit chain.
-- Keep in step with ../postgres/0001_foundation.sql: the schema-parity test compares them.
-- Dates are TEXT 'YYYY-MM-DD'; instants are BIGINT epoch milliseconds (UTC).

CREATE TABLE orgs (
    id INTEGER PRIMARY KEY,
    parent_id BIGINT REFERENCES orgs(id),
    path TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit_name TEXT NOT NULL DEFAULT '',
    unit_kind TEXT NOT NULL DEFAULT 'other',
    established_on TEXT,
    term_start_on TEXT,
    term_years BIGINT,
    status TEXT NOT NULL DEFAULT 'active',
    closed_on TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX orgs_parent ON orgs(parent_id);
CREATE INDEX orgs_name ON orgs(name);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    gender TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    id_number TEXT NOT NULL UNIQUE,
    phone TEXT,
    education TEXT,
    degree TEXT,
    occupation TEXT,
    post TEXT,
    unit_name TEXT,
    joined_on TEXT NOT NULL,
    confirmed_on TEXT,
    status TEXT NOT NULL,
    status_changed_on TEXT NOT NULL,
    dues_category TEXT NOT NULL,
    branch_id BIGINT NOT NULL REFERENCES orgs(id),
    group_id BIGINT REFERENCES orgs(id),
    branch_path TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX members_scope ON members(branch_path, status, name);
CREATE INDEX members_name ON members(name);
CREATE INDEX members_branch ON members(branch_id);
CREATE INDEX members_group ON members(group_id);

CREATE TABLE member_org_spans (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL,
    start_on TEXT NOT NULL,
    end_on TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX member_org_spans_member ON member_org_spans(member_id);
CREATE INDEX member_org_spans_org ON member_org_spans(org_id);

CREATE TABLE member_status_changes (
    id INTEGER PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members(id),
    status TEXT NOT NULL,
    changed_on TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX member_status_changes_member ON member_status_changes(member_id);

CREATE TABLE org_posts (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    post TEXT NOT NULL,
    start_on TEXT NOT NULL,
    end_on TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX org_posts_org ON org_posts(org_id);
CREATE INDEX org_posts_member ON org_posts(member_id);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    member_id BIGINT REFERENCES members(id),
    must_change_password BIGINT NOT NULL DEFAULT 0,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
);

CREATE TABLE account_roles (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    role TEXT NOT NULL,
    org_id BIGINT REFERENCES orgs(id)
);
CREATE INDEX account_roles_account ON account_roles(account_id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    account_id BIGINT,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_account ON api_tokens(account_id);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_username ON login_failures(username, at);

CREATE TABLE audit_entries (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    org_path TEXT,
    before_json TEXT,
    after_json TEXT,
    prev_mac TEXT NOT NULL,
    mac TEXT NOT NULL
);
CREATE INDEX audit_entries_org ON audit_entries(org_path, id);
CREATE INDEX audit_entries_entity ON audit_entries(entity, entity_id);

CREATE TABLE audit_head (
    singleton BIGINT PRIMARY KEY,
    last_id BIGINT NOT NULL,
    last_mac TEXT NOT NULL
);
INSERT INTO audit_head (singleton, last_id, last_mac) VALUES (1, 0, '');

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- People who use the catalog, how they prove who they are, and failed sign-ins (for throttling).

-- role: viewer (browse, read metrics) < contributor (upload data, submit and cancel own jobs,
-- register models) < admin (everything). password_hash is null for accounts that only use API tokens.
CREATE TABLE app_user (
    id             uuid         PRIMARY KEY,
    username       varchar(64)  NOT NULL,
    display_name   varchar(200),
    role           varchar(20)  NOT NULL,
    password_hash  varchar(200),
    disabled       boolean      NOT NULL DEFAULT false,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    updated_at     timestamptz  NOT NULL DEFAULT now(),
    password_changed_at timestamptz,
    CONSTRAINT app_user_role_known CHECK (role IN ('viewer', 'contributor', 'admin'))
);

-- Usernames are unique whatever their case.
CREATE UNIQUE INDEX app_user_username_idx ON app_user (lower(username));

-- Personal API tokens: only the SHA-256 of a token is kept; the token itself is shown once.
CREATE TABLE api_token (
    id            uuid          PRIMARY KEY,
    user_id       uuid          NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name          varchar(100)  NOT NULL,
    token_hash    char(64)      NOT NULL UNIQUE,
    prefix        varchar(20)   NOT NULL,
    created_at    timestamptz   NOT NULL DEFAULT now(),
    expires_at    timestamptz   NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);

CREATE INDEX api_token_user_idx ON api_token (user_id, created_at DESC);

-- Signed-in browser sessions: the cookie holds a random value whose SHA-256 is kept here, and the
-- session's CSRF token goes with every changing request the UI sends.
CREATE TABLE web_session (
    id            uuid         PRIMARY KEY,
    user_id       uuid         NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    token_hash    char(64)     NOT NULL UNIQUE,
    csrf_token    varchar(64)  NOT NULL,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    last_seen_at  timestamptz  NOT NULL DEFAULT now(),
    expires_at    timestamptz  NOT NULL,
    remote_addr   varchar(64),
    user_agent    varchar(300)
);

CREATE INDEX web_session_user_idx ON web_session (user_id);
CREATE INDEX web_session_expires_idx ON web_session (expires_at);

-- Failed sign-ins, by the username tried and the client's address, kept for the throttling window.
CREATE TABLE login_failure (
    id           bigserial    PRIMARY KEY,
    username     varchar(64)  NOT NULL,
    remote_addr  varchar(64)  NOT NULL,
    at           timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX login_failure_username_idx ON login_failure (lower(username), at);
CREATE INDEX login_failure_addr_idx ON login_failure (remote_addr, at);

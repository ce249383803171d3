-- Credentials of job-runners: a runner starts only with a token enrolled here (only its SHA-256 is
-- kept) and stops taking jobs when its token is revoked or expires. Each worker row names its token.
CREATE TABLE runner_token (
    id            uuid          PRIMARY KEY,
    name          varchar(100)  NOT NULL,
    token_hash    char(64)      NOT NULL UNIQUE,
    prefix        varchar(20)   NOT NULL,
    created_by    varchar(64)   NOT NULL,
    created_at    timestamptz   NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);

ALTER TABLE worker ADD COLUMN runner_token_id uuid REFERENCES runner_token (id) ON DELETE SET NULL;

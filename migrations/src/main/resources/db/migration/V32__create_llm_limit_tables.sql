-- Each LLM connection's limits, shared by every catalog service on this database (issue 19): the token bucket behind
-- requestsPerMinute, and the calls in flight counted against maxConcurrent. A catalog service that dies with calls in
-- flight leaves their slots behind; they expire, as the living services renew theirs.

CREATE TABLE llm_rate_bucket (
    connection_name varchar(63) PRIMARY KEY REFERENCES llm_connection (name) ON DELETE CASCADE,
    per_minute      integer     NOT NULL CHECK (per_minute > 0),
    -- Requests held, in units of 1/per_minute of a minute's nanoseconds (so that the refill stays exact).
    level           bigint      NOT NULL,
    -- When the level was last brought up to date: nanoseconds since the epoch on the database's clock.
    at_nanos        bigint      NOT NULL
);

CREATE TABLE llm_call_slot (
    id              uuid        PRIMARY KEY,
    connection_name varchar(63) NOT NULL REFERENCES llm_connection (name) ON DELETE CASCADE,
    -- The catalog service that holds it (its instance id), which renews it while the call lasts.
    holder          varchar(64) NOT NULL,
    expires_at      timestamptz NOT NULL
);

CREATE INDEX llm_call_slot_connection ON llm_call_slot (connection_name);
CREATE INDEX llm_call_slot_holder ON llm_call_slot (holder);

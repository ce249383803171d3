-- Connections to hosted LLM APIs and to ModelCat's own online endpoints, and the token usage of every call made
-- through the LLM mesh (docs/llm.md). A connection's API key is not here: it is a row of the encrypted secret
-- table, named 'llm-connection-<name>'.
CREATE TABLE llm_connection (
    name            varchar(63)   PRIMARY KEY,
    kind            varchar(40)   NOT NULL,
    description     text,
    base_url        varchar(2000),
    endpoint_name   varchar(32),
    headers         jsonb         NOT NULL DEFAULT '{}',
    allowed_models  jsonb         NOT NULL DEFAULT '[]',
    max_concurrent  integer       NOT NULL DEFAULT 8,
    created_by      varchar(200),
    created_at      timestamptz   NOT NULL DEFAULT now(),
    updated_by      varchar(200),
    updated_at      timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT llm_connection_kind_known CHECK (kind IN ('openai-compatible', 'modelcat')),
    CONSTRAINT llm_connection_max_concurrent_positive CHECK (max_concurrent > 0)
);

CREATE TABLE llm_usage (
    id                 bigserial    PRIMARY KEY,
    at                 timestamptz  NOT NULL DEFAULT now(),
    username           varchar(200) NOT NULL,
    connection_name    varchar(63)  NOT NULL,
    model              varchar(200) NOT NULL,
    status             integer      NOT NULL,
    streamed           boolean      NOT NULL,
    prompt_tokens      bigint       NOT NULL DEFAULT 0,
    completion_tokens  bigint       NOT NULL DEFAULT 0,
    total_tokens       bigint       NOT NULL DEFAULT 0,
    latency_ms         bigint       NOT NULL DEFAULT 0
);

CREATE INDEX llm_usage_at_idx ON llm_usage (at);

-- Prompt flows and their bulk tests (docs/flows.md). A flow's definition is the JSON of io.modelcat.jobs.flow.Flow.
CREATE TABLE prompt_flow (
    name        varchar(63)   PRIMARY KEY,
    definition  jsonb         NOT NULL,
    version     integer       NOT NULL DEFAULT 1,
    created_by  varchar(200),
    created_at  timestamptz   NOT NULL DEFAULT now(),
    updated_by  varchar(200),
    updated_at  timestamptz   NOT NULL DEFAULT now()
);

-- A bulk test keeps its own copy of the flow (in spec), so that it outlives changes to the flow and its deletion.
-- spec is the newest job's specification (a later job may re-apply other evaluation methods); result its result.
CREATE TABLE bulk_test (
    id          uuid          PRIMARY KEY,
    flow_name   varchar(63)   NOT NULL,
    dataset_id  uuid          NOT NULL,
    spec        jsonb         NOT NULL,
    job_id      uuid          NOT NULL,
    result      jsonb,
    created_by  varchar(200),
    created_at  timestamptz   NOT NULL DEFAULT now()
);

CREATE INDEX bulk_test_created_idx ON bulk_test (created_at DESC, id);

-- Every row's answer, kept as it arrives (one per variant and dataset row), and its evaluation scores.
CREATE TABLE bulk_test_row (
    bulk_test_id       uuid          NOT NULL REFERENCES bulk_test (id) ON DELETE CASCADE,
    variant            varchar(64)   NOT NULL,
    row_number         integer       NOT NULL,
    inputs             jsonb         NOT NULL,
    outputs            jsonb         NOT NULL DEFAULT '{}',
    steps              jsonb         NOT NULL DEFAULT '[]',
    error              text,
    latency_ms         bigint        NOT NULL DEFAULT 0,
    prompt_tokens      bigint        NOT NULL DEFAULT 0,
    completion_tokens  bigint        NOT NULL DEFAULT 0,
    scores             jsonb         NOT NULL DEFAULT '{}',
    answered_at        timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (bulk_test_id, variant, row_number)
);

ALTER TABLE job DROP CONSTRAINT job_kind_known;
ALTER TABLE job ADD CONSTRAINT job_kind_known
    CHECK (kind IN ('import', 'evaluate', 'finetune', 'noop', 'predict', 'batch-score', 'batch-score-helper',
                    'bulk-test'));

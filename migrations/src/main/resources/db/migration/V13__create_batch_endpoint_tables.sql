-- Batch endpoints (docs/deployments.md): an endpoint has a name and a default deployment; its deployments
-- each name one model version; an invocation is a 'batch-score' job that scores a dataset in mini-batches,
-- linked to the endpoint and deployment that it ran.

-- The new job kind that an invocation submits.
ALTER TABLE job DROP CONSTRAINT job_kind_known;
ALTER TABLE job ADD CONSTRAINT job_kind_known
    CHECK (kind IN ('import', 'evaluate', 'finetune', 'noop', 'predict', 'batch-score'));

CREATE TABLE batch_endpoint (
    id                  uuid         PRIMARY KEY,
    name                varchar(32)  NOT NULL UNIQUE,
    description         text         NOT NULL DEFAULT '',
    -- The deployment an invocation runs when it names none; null until the first deployment is made.
    default_deployment  varchar(32),
    created_by          uuid         REFERENCES app_user (id) ON DELETE SET NULL,
    created_at          timestamptz  NOT NULL DEFAULT now(),
    updated_at          timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE batch_deployment (
    id                uuid         PRIMARY KEY,
    endpoint_id       uuid         NOT NULL REFERENCES batch_endpoint (id) ON DELETE CASCADE,
    name              varchar(32)  NOT NULL,
    model_id          uuid         NOT NULL REFERENCES model (id) ON DELETE RESTRICT,
    model_version_id  uuid         NOT NULL REFERENCES model_version (id) ON DELETE RESTRICT,
    task              varchar(40)  NOT NULL,
    created_by        uuid         REFERENCES app_user (id) ON DELETE SET NULL,
    created_at        timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT batch_deployment_name_unique UNIQUE (endpoint_id, name)
);

-- One invocation: the job that runs it stays in 'job' (and in the job list) when its endpoint is deleted.
CREATE TABLE batch_job (
    job_id           uuid         PRIMARY KEY REFERENCES job (id) ON DELETE CASCADE,
    endpoint_id      uuid         NOT NULL REFERENCES batch_endpoint (id) ON DELETE CASCADE,
    deployment_name  varchar(32)  NOT NULL,
    created_at       timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX batch_job_endpoint_idx ON batch_job (endpoint_id, created_at DESC);

-- Jobs submitted by catalog-service and run by job-runners, with their logs, and the runners themselves.
CREATE TABLE worker (
    id            varchar(200) PRIMARY KEY,
    host          varchar(255) NOT NULL,
    cpu_cores     integer      NOT NULL,
    memory_bytes  bigint       NOT NULL,
    gpus          jsonb        NOT NULL DEFAULT '[]',
    started_at    timestamptz  NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX worker_heartbeat_idx ON worker (heartbeat_at);

CREATE TABLE job (
    id               uuid         PRIMARY KEY,
    kind             varchar(20)  NOT NULL,
    state            varchar(20)  NOT NULL DEFAULT 'queued',
    model_id         uuid         REFERENCES model (id) ON DELETE SET NULL,
    model_version_id uuid         REFERENCES model_version (id) ON DELETE SET NULL,
    params           jsonb        NOT NULL DEFAULT '{}',
    device_kind      varchar(10)  NOT NULL DEFAULT 'cpu',
    device_count     integer      NOT NULL DEFAULT 1,
    priority         integer      NOT NULL DEFAULT 0,
    progress         double precision NOT NULL DEFAULT 0,
    progress_detail  jsonb        NOT NULL DEFAULT '{}',
    result           jsonb,
    worker_id        varchar(200),
    attempt          integer      NOT NULL DEFAULT 0,
    max_attempts     integer      NOT NULL DEFAULT 3,
    time_limit_seconds integer,
    cancel_requested boolean      NOT NULL DEFAULT false,
    error            text,
    error_cause      text,
    submitted_at     timestamptz  NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT job_kind_known CHECK (kind IN ('import', 'evaluate', 'finetune', 'noop', 'predict')),
    CONSTRAINT job_state_known CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    CONSTRAINT job_device_kind_known CHECK (device_kind IN ('cpu', 'gpu')),
    CONSTRAINT job_progress_fraction CHECK (progress >= 0 AND progress <= 1),
    CONSTRAINT job_priority_range CHECK (priority BETWEEN 0 AND 9),
    CONSTRAINT job_attempts_positive CHECK (max_attempts >= 1),
    CONSTRAINT job_time_limit_positive CHECK (time_limit_seconds IS NULL OR time_limit_seconds > 0)
);

CREATE INDEX job_model_active_idx ON job (model_id) WHERE state IN ('queued', 'running');
CREATE INDEX job_queue_idx ON job (priority DESC, submitted_at) WHERE state = 'queued';
CREATE INDEX job_worker_running_idx ON job (worker_id) WHERE state = 'running';
CREATE INDEX job_state_submitted_idx ON job (state, submitted_at DESC, id);
CREATE INDEX job_submitted_idx ON job (submitted_at DESC, id);

CREATE TABLE job_log (
    id      bigserial    PRIMARY KEY,
    job_id  uuid         NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    at      timestamptz  NOT NULL DEFAULT now(),
    level   varchar(10)  NOT NULL,
    message text         NOT NULL,
    fields  jsonb        NOT NULL DEFAULT '{}'
);

CREATE INDEX job_log_job_idx ON job_log (job_id, id);

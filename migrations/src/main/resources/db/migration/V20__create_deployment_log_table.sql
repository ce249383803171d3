-- What happened to a deployment's instances, for its Logs tab: placed on a runner, loading, ready (with the time
-- it took), failed (why), retired, removed with a runner that stopped answering, and calls that failed on the
-- runner. Written by the catalog service that places instances and by the runners; the newest 1000 lines of a
-- deployment are kept.
CREATE TABLE deployment_log (
    id            bigserial    PRIMARY KEY,
    deployment_id uuid         NOT NULL REFERENCES deployment (id) ON DELETE CASCADE,
    instance_id   uuid,
    worker_id     varchar(200),
    at            timestamptz  NOT NULL DEFAULT now(),
    level         varchar(10)  NOT NULL,
    message       text         NOT NULL,
    CONSTRAINT deployment_log_level_known CHECK (level IN ('INFO', 'WARN', 'ERROR'))
);

CREATE INDEX deployment_log_deployment_idx ON deployment_log (deployment_id, id);

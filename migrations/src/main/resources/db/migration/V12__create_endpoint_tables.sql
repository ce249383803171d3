-- Online endpoints (docs/deployments.md): an endpoint has a name, an auth mode, two keys and a traffic map;
-- its deployments each serve one model version on a number of instances, which the catalog places on
-- live runners and the runners load and serve.

-- Where a runner answers the gateway's requests for the instances placed on it (its own HTTP port).
ALTER TABLE worker ADD COLUMN serve_url varchar(500);

CREATE TABLE endpoint (
    id                   uuid         PRIMARY KEY,
    name                 varchar(32)  NOT NULL UNIQUE,
    description          text         NOT NULL DEFAULT '',
    auth_mode            varchar(10)  NOT NULL,
    -- SHA-256 (hex) of each key, to check a caller's key; the keys themselves are sealed under
    -- MODELCAT_SECRET_KEY when it is configured, so that contributors can read them again.
    primary_key_hash     varchar(64)  NOT NULL,
    secondary_key_hash   varchar(64)  NOT NULL,
    primary_key_sealed   text,
    secondary_key_sealed text,
    traffic              jsonb        NOT NULL DEFAULT '{}',
    created_by           uuid         REFERENCES app_user (id) ON DELETE SET NULL,
    created_at           timestamptz  NOT NULL DEFAULT now(),
    updated_at           timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT endpoint_auth_mode_known CHECK (auth_mode IN ('key', 'token'))
);

CREATE TABLE deployment (
    id                uuid         PRIMARY KEY,
    endpoint_id       uuid         NOT NULL REFERENCES endpoint (id) ON DELETE CASCADE,
    name              varchar(32)  NOT NULL,
    model_id          uuid         NOT NULL REFERENCES model (id) ON DELETE RESTRICT,
    model_version_id  uuid         NOT NULL REFERENCES model_version (id) ON DELETE RESTRICT,
    task              varchar(40)  NOT NULL,
    artifact_uri      text         NOT NULL,
    instance_count    integer      NOT NULL,
    device_kind       varchar(10)  NOT NULL,
    max_concurrent    integer      NOT NULL,
    request_timeout_ms integer     NOT NULL,
    created_by        uuid         REFERENCES app_user (id) ON DELETE SET NULL,
    created_at        timestamptz  NOT NULL DEFAULT now(),
    updated_at        timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT deployment_name_unique UNIQUE (endpoint_id, name),
    CONSTRAINT deployment_instances_positive CHECK (instance_count > 0),
    CONSTRAINT deployment_device_known CHECK (device_kind IN ('cpu', 'gpu'))
);

-- One instance of a deployment on one runner. It goes with its runner's worker row (a runner that stops
-- or whose heartbeat ends), and placement then puts a new one on a live runner.
CREATE TABLE deployment_instance (
    id             uuid         PRIMARY KEY,
    deployment_id  uuid         NOT NULL REFERENCES deployment (id) ON DELETE CASCADE,
    worker_id      varchar(200) NOT NULL REFERENCES worker (id) ON DELETE CASCADE,
    state          varchar(10)  NOT NULL DEFAULT 'loading',
    reason         text,
    -- Sent by the gateway with every request; the runner answers only requests that carry it.
    secret         varchar(64)  NOT NULL,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    updated_at     timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT deployment_instance_state_known CHECK (state IN ('loading', 'ready', 'failed'))
);

CREATE INDEX deployment_instance_deployment_idx ON deployment_instance (deployment_id);
CREATE INDEX deployment_instance_worker_idx ON deployment_instance (worker_id);

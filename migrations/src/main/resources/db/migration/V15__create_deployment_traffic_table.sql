-- What each deployment answered, by minute, summed over every catalog service (each adds its counts every few
-- seconds): calls, server errors, calls refused over the concurrency limit, and a latency histogram whose
-- buckets end at 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000 and 10000 ms, the last one open.
-- Mirrored calls (copies whose answers are dropped) are counted apart.
CREATE TABLE deployment_traffic (
    deployment_id uuid        NOT NULL REFERENCES deployment (id) ON DELETE CASCADE,
    minute        timestamptz NOT NULL,
    requests      bigint      NOT NULL DEFAULT 0,
    errors        bigint      NOT NULL DEFAULT 0,
    throttled     bigint      NOT NULL DEFAULT 0,
    mirrored      bigint      NOT NULL DEFAULT 0,
    latency_ms    bigint[]    NOT NULL,
    PRIMARY KEY (deployment_id, minute)
);

-- Mirror traffic: a share of the calls copied to one deployment, its answers dropped ({"green": 10}).
ALTER TABLE endpoint ADD COLUMN mirror jsonb NOT NULL DEFAULT '{}';

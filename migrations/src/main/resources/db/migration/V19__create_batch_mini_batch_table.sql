-- The mini-batches of a 'batch-score' invocation and who scores them: every participant (the invocation's
-- runner and its helpers) claims the next one that is neither finished nor under a live lease, renews the
-- lease while scoring, and marks it done once its file is in the job's work folder. A lease that runs out
-- (its runner died) lets another participant claim the mini-batch again; a done one is never claimed again.
CREATE TABLE batch_mini_batch (
    job_id       uuid          NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    mini_batch   integer       NOT NULL,
    -- The participant (one run of the invocation or of a helper) holding or last holding the claim.
    claimant     uuid,
    -- The runner of that participant: the one that scored the mini-batch once it is done.
    worker_id    varchar(200),
    lease_until  timestamptz,
    claims       integer       NOT NULL DEFAULT 0,
    done         boolean       NOT NULL DEFAULT false,
    bad_rows     integer       NOT NULL DEFAULT 0,
    finished_at  timestamptz,
    PRIMARY KEY (job_id, mini_batch),
    CONSTRAINT batch_mini_batch_index_positive CHECK (mini_batch >= 0)
);

-- The claim query's path: a job's unfinished mini-batches in order.
CREATE INDEX batch_mini_batch_open_idx ON batch_mini_batch (job_id, mini_batch) WHERE NOT done;

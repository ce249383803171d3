-- The job kind that helps a 'batch-score' invocation: another runner claiming and scoring its mini-batches.
ALTER TABLE job DROP CONSTRAINT job_kind_known;
ALTER TABLE job ADD CONSTRAINT job_kind_known
    CHECK (kind IN ('import', 'evaluate', 'finetune', 'noop', 'predict', 'batch-score', 'batch-score-helper'));

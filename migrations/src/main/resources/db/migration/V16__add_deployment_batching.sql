-- Dynamic batching: an instance runs the inputs of calls that arrive together as one batch, up to
-- max_batch_size inputs, waiting at most max_batch_delay_ms after the first for others to join.
ALTER TABLE deployment ADD COLUMN max_batch_size integer NOT NULL DEFAULT 8;
ALTER TABLE deployment ADD COLUMN max_batch_delay_ms integer NOT NULL DEFAULT 2;
ALTER TABLE deployment ADD CONSTRAINT deployment_batch_positive CHECK (max_batch_size > 0 AND max_batch_delay_ms >= 0);

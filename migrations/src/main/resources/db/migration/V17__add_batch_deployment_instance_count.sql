-- A batch deployment's instance count (Azure ML's instance_count): how many runners score one invocation's
-- mini-batches at once. An invocation may ask for another count; 1 scores them on one runner.
ALTER TABLE batch_deployment ADD COLUMN instance_count integer NOT NULL DEFAULT 1;
ALTER TABLE batch_deployment ADD CONSTRAINT batch_deployment_instance_count_positive CHECK (instance_count >= 1);

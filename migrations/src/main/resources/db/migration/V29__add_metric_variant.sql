-- A bulk test registers each compared variant's metrics (docs/flows.md); several variants of one job may be served
-- by one model (other prompts, or an earlier step's model), so a row names its variant. Null for every other job.
ALTER TABLE metric ADD COLUMN variant varchar(64);

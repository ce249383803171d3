-- The indexes of the orders without a leading filter carry what a list filters on (task, licence, fine-tuning
-- tasks; for the name order the name too, which the order's expression is made of). A page filtered by several
-- values of a task or licence, or by fine-tuning tasks alone, walks its order's index testing each card: with these
-- columns in the index the walk tests them there (an index-only scan) instead of reading each card's row (at
-- 100,000 cards, 19 pages read against 769 for two tasks, one fine-tuning task and two licences; docs/performance.md).
DROP INDEX model_name_idx;
CREATE INDEX model_name_idx ON model ((lower(name) COLLATE "C"), id) INCLUDE (name, task, license, finetuning_tasks);
DROP INDEX model_created_idx;
CREATE INDEX model_created_idx ON model (created_at, id) INCLUDE (task, license, finetuning_tasks);
DROP INDEX model_updated_idx;
CREATE INDEX model_updated_idx ON model (updated_at, id) INCLUDE (task, license, finetuning_tasks);

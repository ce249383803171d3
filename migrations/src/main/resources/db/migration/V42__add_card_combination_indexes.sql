-- A page of several tasks and licences with fine-tuning tasks, read as one short walk per combination (issue 20).
--
-- Such a page walked its order's whole index testing each card (V38): for two tasks, two licences and one
-- fine-tuning task, 841 index entries at 100,000 cards, most of the page's cost. Every card is in one combination of
-- task, licence and fine-tuning tasks (model_facet_count's rows, V33), and the combinations its filters match are
-- known, so the page can instead walk each matching combination's cards in the order and merge them: four
-- combinations, 21 entries each. model_combination names a combination in one text (its three values as one text
-- array's text: different combinations, different texts); the indexes below order each combination's cards in each
-- offered order, and carry the three columns so that the walk reads the index alone.
CREATE FUNCTION model_combination(task text, license text, finetuning_tasks text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (ARRAY[task, license] || finetuning_tasks)::text $$;

CREATE INDEX model_combination_name_idx ON model
    ((model_combination(task, license, finetuning_tasks) COLLATE "C"), (lower(name) COLLATE "C"), id)
    INCLUDE (name, task, license, finetuning_tasks);
CREATE INDEX model_combination_created_idx ON model
    ((model_combination(task, license, finetuning_tasks) COLLATE "C"), created_at, id)
    INCLUDE (task, license, finetuning_tasks);
CREATE INDEX model_combination_updated_idx ON model
    ((model_combination(task, license, finetuning_tasks) COLLATE "C"), updated_at, id)
    INCLUDE (task, license, finetuning_tasks);

-- The catalog service holds the combinations as it last read them, and a page tells whether any combination has
-- been added since by their number: that needs rows that are never deleted. A combination whose cards are all gone
-- already kept its row with n = 0; now emptying the cards keeps them too.
CREATE OR REPLACE FUNCTION model_facet_count_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE model_facet_count SET n = 0 WHERE n <> 0;
    RETURN NULL;
END
$$;

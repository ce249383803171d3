-- A search reads each of its matches to filter and order it (issue 20, docs/performance.md). In the card's own row
-- that costs a visit of a wide row (its description, samples and the rest) per match: about 15 ms for a word that
-- 10,000 of 100,000 cards have. model_search holds per card only what a search filters, orders and ranks on, so
-- that it reads a narrow row per match; the page's cards are then read from model by id. Statement triggers keep
-- it exact in the writing transaction (a deleted card's entry goes with it, by the foreign key); the search index
-- moves here from model.
CREATE TABLE model_search (
    id               uuid          PRIMARY KEY REFERENCES model (id) ON DELETE CASCADE,
    name             varchar(200)  NOT NULL,
    task             varchar(40)   NOT NULL,
    license          varchar(100)  NOT NULL,
    finetuning_tasks text[]        NOT NULL,
    tags             text[]        NOT NULL,
    created_at       timestamptz   NOT NULL,
    updated_at       timestamptz   NOT NULL,
    search_vector    tsvector      NOT NULL
);

INSERT INTO model_search (id, name, task, license, finetuning_tasks, tags, created_at, updated_at, search_vector)
SELECT id, name, task, license, finetuning_tasks, tags, created_at, updated_at, search_vector FROM model ORDER BY id;

CREATE INDEX model_search_entry_idx ON model_search USING gin (search_vector);
DROP INDEX model_search_idx;

CREATE FUNCTION model_search_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO model_search (id, name, task, license, finetuning_tasks, tags, created_at, updated_at, search_vector)
    SELECT id, name, task, license, finetuning_tasks, tags, created_at, updated_at, search_vector FROM new_rows;
    RETURN NULL;
END
$$;

-- Only the entries whose columns changed are written (a card's version count changing leaves its entry alone).
CREATE FUNCTION model_search_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE model_search s
    SET name = n.name, task = n.task, license = n.license, finetuning_tasks = n.finetuning_tasks, tags = n.tags,
        created_at = n.created_at, updated_at = n.updated_at, search_vector = n.search_vector
    FROM new_rows n
    WHERE s.id = n.id
      AND (s.name, s.task, s.license, s.finetuning_tasks, s.tags, s.created_at, s.updated_at, s.search_vector)
          IS DISTINCT FROM (n.name, n.task, n.license, n.finetuning_tasks, n.tags, n.created_at, n.updated_at,
                            n.search_vector);
    RETURN NULL;
END
$$;

CREATE TRIGGER model_search_insert AFTER INSERT ON model REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION model_search_inserted();
CREATE TRIGGER model_search_update AFTER UPDATE ON model REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION model_search_updated();

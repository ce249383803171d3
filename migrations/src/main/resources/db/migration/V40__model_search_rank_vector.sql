-- A search in relevance order ranks each of its matches (ts_rank). It ranked them on the search vector, which holds
-- every word of the card's description: for a card imported from the Hub, a README of several kilobytes, so the
-- vector is stored out of line (TOAST) and compressed, and ranking a match read and unpacked it. With ~3 KB READMEs
-- at 100,000 cards that was three quarters of a relevance search's time (docs/performance.md, issue 20).
--
-- A search's entry now also keeps a narrow rank vector: the words of the name (weight A), the tags, publisher and
-- repository (B) and the card's excerpt, its description's first paragraph (C); the search vector still finds the
-- matches, the rank vector orders them. A card found only by words further down its description ranks after those
-- found in its name, tags, publisher, repository or summary. A card without an excerpt (written before V39, or by
-- hand in SQL) is ranked on the first 160 characters of its description instead.
CREATE FUNCTION model_rank_vector(name text, tags text[], publisher text, source_repo text, summary text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(model_search_words(name), 'A') ||
           setweight(model_search_words(array_to_string(tags, ' ')), 'B') ||
           setweight(model_search_words(publisher), 'B') ||
           setweight(model_search_words(source_repo), 'B') ||
           setweight(model_search_words(summary), 'C')
$$;

ALTER TABLE model_search ADD COLUMN rank_vector tsvector;
UPDATE model_search s
SET rank_vector = model_rank_vector(m.name, m.tags, m.publisher, m.source_repo,
                                    coalesce(m.excerpt, left(m.description, 160)))
FROM model m
WHERE m.id = s.id;
ALTER TABLE model_search ALTER COLUMN rank_vector SET NOT NULL;

CREATE OR REPLACE FUNCTION model_search_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO model_search (id, name, task, license, finetuning_tasks, tags, created_at, updated_at, search_vector,
                              rank_vector)
    SELECT id, name, task, license, finetuning_tasks, tags, created_at, updated_at, search_vector,
           model_rank_vector(name, tags, publisher, source_repo, coalesce(excerpt, left(description, 160)))
    FROM new_rows;
    RETURN NULL;
END
$$;

-- Only the entries whose columns changed are written (a card's version count changing leaves its entry alone).
CREATE OR REPLACE FUNCTION model_search_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE model_search s
    SET name = n.name, task = n.task, license = n.license, finetuning_tasks = n.finetuning_tasks, tags = n.tags,
        created_at = n.created_at, updated_at = n.updated_at, search_vector = n.search_vector,
        rank_vector = n.rank_vector
    FROM (SELECT *, model_rank_vector(name, tags, publisher, source_repo, coalesce(excerpt, left(description, 160)))
              AS rank_vector
          FROM new_rows) n
    WHERE s.id = n.id
      AND (s.name, s.task, s.license, s.finetuning_tasks, s.tags, s.created_at, s.updated_at, s.search_vector,
           s.rank_vector)
          IS DISTINCT FROM (n.name, n.task, n.license, n.finetuning_tasks, n.tags, n.created_at, n.updated_at,
                            n.search_vector, n.rank_vector);
    RETURN NULL;
END
$$;

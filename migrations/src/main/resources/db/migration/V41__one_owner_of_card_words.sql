-- One owner for how a card's words are weighted, and one for the text a card is ranked on.
--
-- The search vector (V1's trigger) and the rank vector (V40) weight the same fields the same way (the name A; the
-- tags, publisher and repository B; a body of text C) and differed only in the body: the whole description for the
-- search vector, the card's summary for the rank vector. Each wrote the weighting out, and V40 wrote the summary
-- (the excerpt, or the description's first 160 characters for a card without one) three times. Now
-- model_card_words owns the weighting and model_card_summary the summary; the triggers call them. The vectors they
-- make are the same as before, so no row is rewritten.
CREATE FUNCTION model_card_words(name text, tags text[], publisher text, source_repo text, body text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(model_search_words(name), 'A') ||
           setweight(model_search_words(array_to_string(tags, ' ')), 'B') ||
           setweight(model_search_words(publisher), 'B') ||
           setweight(model_search_words(source_repo), 'B') ||
           setweight(model_search_words(body), 'C')
$$;

-- What a card is ranked on besides its name, tags, publisher and repository: its excerpt (V39), or for a card
-- without one (written before V39, or by hand in SQL) the first 160 characters of its description.
CREATE FUNCTION model_card_summary(excerpt text, description text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(excerpt, left(description, 160))
$$;

CREATE OR REPLACE FUNCTION model_search_vector_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := model_card_words(NEW.name, NEW.tags, NEW.publisher, NEW.source_repo,
                                          left(NEW.description, 100000));
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION model_search_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO model_search (id, name, task, license, finetuning_tasks, tags, created_at, updated_at, search_vector,
                              rank_vector)
    SELECT id, name, task, license, finetuning_tasks, tags, created_at, updated_at, search_vector,
           model_card_words(name, tags, publisher, source_repo, model_card_summary(excerpt, description))
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
    FROM (SELECT *, model_card_words(name, tags, publisher, source_repo, model_card_summary(excerpt, description))
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

DROP FUNCTION model_rank_vector(text, text[], text, text, text);

-- Cheaper catalog search and name order at a million cards (issue 20, docs/performance.md).
--
-- 1. Search words are prefixes ("rob" finds "roberta"). A prefix in a tsquery ('rob':*) makes the GIN index merge
--    the posting lists of every word it covers into a bitmap before it can intersect them with the other words:
--    76 ms for 'roberta':* & 'reviews':* at a million cards, against 11 ms for the two exact words, which the index
--    intersects as it reads them. model_search_word holds every word of every card's search vector, so that a
--    prefix covering a few words can be asked as those words exactly ('rob' -> 'roberta' | 'robot'): the same cards,
--    found faster. Words are never removed (a word no card has any more matches nothing), and a prefix covering more
--    than eight words stays a prefix. Statement triggers add the words of the cards each statement writes, in order,
--    so that two writers take their locks in one order.
CREATE TABLE model_search_word (
    word text COLLATE "C" PRIMARY KEY
);

INSERT INTO model_search_word (word)
SELECT DISTINCT w FROM model, unnest(tsvector_to_array(search_vector)) AS w ORDER BY 1;

CREATE FUNCTION model_search_word_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO model_search_word (word)
    SELECT DISTINCT w FROM new_rows, unnest(tsvector_to_array(new_rows.search_vector)) AS w ORDER BY 1
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER model_search_word_insert AFTER INSERT ON model REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION model_search_word_add();
CREATE TRIGGER model_search_word_update AFTER UPDATE ON model REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION model_search_word_add();

-- A word as a tsquery operand, quoted (quotes and backslashes doubled), so that no word is read as an operator.
CREATE FUNCTION model_search_operand(word text) RETURNS tsquery LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT ('''' || replace(replace(word, '\', '\\'), '''', '''''') || '''')::tsquery
$$;

-- The tsquery that matches cards having, for each of the given prefixes, a word that starts with it: the words a
-- prefix covers when there are at most eight, else the prefix itself.
CREATE FUNCTION model_search_query(prefixes text[]) RETURNS tsquery LANGUAGE plpgsql STABLE STRICT AS $$
DECLARE
    prefix text;
    covered text[];
    word text;
    term tsquery;
    result tsquery;
BEGIN
    FOREACH prefix IN ARRAY prefixes LOOP
        prefix := lower(prefix) COLLATE "C";
        -- The words that start with a prefix come right after it in byte order.
        SELECT array_agg(s.word ORDER BY s.word) INTO covered FROM (
            SELECT w.word FROM model_search_word w WHERE w.word >= prefix ORDER BY w.word LIMIT 9) s
        WHERE starts_with(s.word, prefix);
        IF covered IS NULL THEN
            term := model_search_operand(prefix);
        ELSIF array_length(covered, 1) > 8 THEN
            term := (model_search_operand(prefix)::text || ':*')::tsquery;
        ELSE
            term := NULL;
            FOREACH word IN ARRAY covered LOOP
                term := CASE WHEN term IS NULL THEN model_search_operand(word) ELSE term || model_search_operand(word) END;
            END LOOP;
        END IF;
        result := CASE WHEN result IS NULL THEN term ELSE result && term END;
    END LOOP;
    RETURN result;
END
$$;

-- 2. Name order is byte order of the lower-cased name. Under a C.UTF-8 or a language's collation, sorting by name
--    compares through the C library (twice as slow as comparing bytes when a search's matches are sorted: 480 against
--    250 ms for 100,000 matches), and the order differed between servers of different locales. Byte order of UTF-8
--    is code-point order, the order C.UTF-8 gave.
DROP INDEX model_task_name_idx;
DROP INDEX model_task_license_name_idx;
DROP INDEX model_license_name_idx;
DROP INDEX model_name_idx;
CREATE INDEX model_task_name_idx ON model (task, (lower(name) COLLATE "C"), id);
CREATE INDEX model_task_license_name_idx ON model (task, license, (lower(name) COLLATE "C"), id);
CREATE INDEX model_license_name_idx ON model (license, (lower(name) COLLATE "C"), id);
CREATE INDEX model_name_idx ON model ((lower(name) COLLATE "C"), id);

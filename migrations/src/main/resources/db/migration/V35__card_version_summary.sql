-- Each card keeps how many versions it has and which is its latest (the highest number), so that a page of cards
-- reads them from the cards' rows: counting and ordering each card's versions cost two subqueries per card, a
-- third of the page query's time (issue 20, docs/performance.md). Statement triggers on model_version keep both
-- exact in the writing transaction, whichever statement adds, renumbers or removes versions.
ALTER TABLE model ADD COLUMN version_count integer NOT NULL DEFAULT 0,
                  ADD COLUMN latest_version_id uuid;

-- Recounts the given cards' versions and finds their latest; a card whose summary is unchanged is not written.
CREATE FUNCTION model_version_summary_refresh(ids uuid[]) RETURNS void LANGUAGE sql AS $$
    UPDATE model m SET version_count = s.n, latest_version_id = s.latest
    FROM (SELECT c.model_id,
                 (SELECT count(*) FROM model_version v WHERE v.model_id = c.model_id) AS n,
                 (SELECT v.id FROM model_version v WHERE v.model_id = c.model_id
                  ORDER BY v.version_number DESC LIMIT 1) AS latest
          FROM unnest(ids) AS c(model_id)) s
    WHERE m.id = s.model_id AND (m.version_count, m.latest_version_id) IS DISTINCT FROM (s.n, s.latest)
$$;

SELECT model_version_summary_refresh(array_agg(DISTINCT model_id)) FROM model_version;

CREATE FUNCTION model_version_summary_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM model_version_summary_refresh(array_agg(DISTINCT model_id)) FROM new_rows;
    RETURN NULL;
END
$$;

CREATE FUNCTION model_version_summary_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM model_version_summary_refresh(array_agg(DISTINCT model_id)) FROM old_rows;
    RETURN NULL;
END
$$;

CREATE FUNCTION model_version_summary_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM model_version_summary_refresh(array_agg(DISTINCT model_id))
    FROM (SELECT model_id FROM old_rows UNION SELECT model_id FROM new_rows) changed;
    RETURN NULL;
END
$$;

CREATE FUNCTION model_version_summary_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE model SET version_count = 0, latest_version_id = NULL
    WHERE version_count <> 0 OR latest_version_id IS NOT NULL;
    RETURN NULL;
END
$$;

CREATE TRIGGER model_version_summary_insert AFTER INSERT ON model_version REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION model_version_summary_inserted();
CREATE TRIGGER model_version_summary_delete AFTER DELETE ON model_version REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION model_version_summary_deleted();
CREATE TRIGGER model_version_summary_update AFTER UPDATE ON model_version
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION model_version_summary_updated();
CREATE TRIGGER model_version_summary_truncate AFTER TRUNCATE ON model_version
    FOR EACH STATEMENT EXECUTE FUNCTION model_version_summary_truncated();

-- Facet counts without scanning the catalog, and an index for every offered sort under each filter (issue 20).
--
-- model_facet_count holds how many cards there are per (task, licence, fine-tuning tasks): a few hundred rows
-- however many cards there are. Every card is in exactly one row, so the list's filters on task, licence and
-- fine-tuning tasks give the same counts on this table as on the cards (docs/performance.md). Statement triggers
-- keep it exact in the writing transaction: one upsert per changed group per statement, whether the statement
-- writes one card or a million; updates that leave the three columns alone change nothing here.
CREATE TABLE model_facet_count (
    task             varchar(40)   NOT NULL,
    license          varchar(100)  NOT NULL,
    finetuning_tasks text[]        NOT NULL,
    n                bigint        NOT NULL,
    PRIMARY KEY (task, license, finetuning_tasks)
);

INSERT INTO model_facet_count (task, license, finetuning_tasks, n)
SELECT task, license, finetuning_tasks, count(*) FROM model GROUP BY 1, 2, 3;

-- Each adds the net change of every group its statement touched, groups in key order so that two writers lock
-- them in one order. A group whose cards are all gone keeps its row, with n = 0.
CREATE FUNCTION model_facet_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO model_facet_count AS f (task, license, finetuning_tasks, n)
    SELECT task, license, finetuning_tasks, count(*) FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (task, license, finetuning_tasks) DO UPDATE SET n = f.n + EXCLUDED.n;
    RETURN NULL;
END
$$;

CREATE FUNCTION model_facet_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO model_facet_count AS f (task, license, finetuning_tasks, n)
    SELECT task, license, finetuning_tasks, -count(*) FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (task, license, finetuning_tasks) DO UPDATE SET n = f.n + EXCLUDED.n;
    RETURN NULL;
END
$$;

CREATE FUNCTION model_facet_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO model_facet_count AS f (task, license, finetuning_tasks, n)
    SELECT task, license, finetuning_tasks, sum(d) FROM (
        SELECT task, license, finetuning_tasks, 1 AS d FROM new_rows
        UNION ALL
        SELECT task, license, finetuning_tasks, -1 AS d FROM old_rows) changed
    GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (task, license, finetuning_tasks) DO UPDATE SET n = f.n + EXCLUDED.n;
    RETURN NULL;
END
$$;

CREATE FUNCTION model_facet_count_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM model_facet_count;
    RETURN NULL;
END
$$;

CREATE TRIGGER model_facet_count_insert AFTER INSERT ON model REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION model_facet_count_inserted();
CREATE TRIGGER model_facet_count_delete AFTER DELETE ON model REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION model_facet_count_deleted();
CREATE TRIGGER model_facet_count_update AFTER UPDATE ON model REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION model_facet_count_updated();
CREATE TRIGGER model_facet_count_truncate AFTER TRUNCATE ON model
    FOR EACH STATEMENT EXECUTE FUNCTION model_facet_count_truncated();

-- The list's orders by creation and update time under a task, a licence, or both (by name they had them already),
-- so that a filtered page in any offered order reads its rows in order instead of sorting every match.
CREATE INDEX model_task_created_idx ON model (task, created_at, id);
CREATE INDEX model_task_updated_idx ON model (task, updated_at, id);
CREATE INDEX model_license_created_idx ON model (license, created_at, id);
CREATE INDEX model_license_updated_idx ON model (license, updated_at, id);
CREATE INDEX model_task_license_created_idx ON model (task, license, created_at, id);
CREATE INDEX model_task_license_updated_idx ON model (task, license, updated_at, id);

-- Model cards and their versions.
CREATE TABLE model (
    id               uuid          PRIMARY KEY,
    name             varchar(200)  NOT NULL,
    publisher        varchar(200),
    description      text          NOT NULL DEFAULT '',
    task             varchar(40)   NOT NULL,
    finetuning_tasks text[]        NOT NULL DEFAULT '{}',
    license          varchar(100)  NOT NULL,
    tags             text[]        NOT NULL DEFAULT '{}',
    library          varchar(100),
    architecture     varchar(100),
    samples          jsonb         NOT NULL DEFAULT '[]',
    source_type      varchar(20)   NOT NULL DEFAULT 'manual',
    source_repo      varchar(200),
    source_revision  varchar(200),
    status           varchar(20)   NOT NULL DEFAULT 'not_imported',
    status_message   text,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    lock_version     bigint        NOT NULL DEFAULT 0,
    -- Maintained by the trigger below, so that every writer (the service, seed data) agrees.
    search_vector    tsvector      NOT NULL DEFAULT ''::tsvector,
    CONSTRAINT model_task_known CHECK (task IN ('text-classification', 'token-classification',
        'question-answering', 'fill-mask', 'summarization', 'translation', 'text-generation')),
    CONSTRAINT model_source_type_known CHECK (source_type IN ('manual', 'huggingface', 'finetuned')),
    CONSTRAINT model_status_known CHECK (status IN ('not_imported', 'importing', 'ready', 'failed'))
);

-- Words are indexed without their hyphenated compounds ("distilbert-base-uncased" gives
-- "distilbert", "base", "uncased"): searches match word prefixes, and compounds would only bloat
-- the index and slow prefix look-ups.
CREATE FUNCTION model_search_words(text) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
    SELECT to_tsvector('simple', translate(coalesce($1, ''), '-_./:@+', '       '))
$$;

CREATE FUNCTION model_search_vector_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(model_search_words(NEW.name), 'A') ||
        setweight(model_search_words(array_to_string(NEW.tags, ' ')), 'B') ||
        setweight(model_search_words(NEW.publisher), 'B') ||
        setweight(model_search_words(NEW.source_repo), 'B') ||
        setweight(model_search_words(left(NEW.description, 100000)), 'C');
    RETURN NEW;
END
$$;

CREATE TRIGGER model_search_vector_trigger
    BEFORE INSERT OR UPDATE OF name, tags, publisher, source_repo, description ON model
    FOR EACH ROW EXECUTE FUNCTION model_search_vector_update();

CREATE INDEX model_task_name_idx ON model (task, lower(name), id);
CREATE INDEX model_task_license_name_idx ON model (task, license, lower(name), id);
CREATE INDEX model_license_name_idx ON model (license, lower(name), id);
CREATE INDEX model_name_idx ON model (lower(name), id);
CREATE INDEX model_created_idx ON model (created_at, id);
CREATE INDEX model_updated_idx ON model (updated_at, id);
CREATE INDEX model_finetuning_tasks_idx ON model USING gin (finetuning_tasks);
CREATE INDEX model_tags_idx ON model USING gin (tags);
CREATE INDEX model_search_idx ON model USING gin (search_vector);
CREATE UNIQUE INDEX model_source_repo_idx ON model (source_type, source_repo) WHERE source_repo IS NOT NULL;

CREATE TABLE model_version (
    id                uuid         PRIMARY KEY,
    model_id          uuid         NOT NULL REFERENCES model (id) ON DELETE CASCADE,
    version_number    integer      NOT NULL,
    source_revision   varchar(200),
    artifact_uri      text,
    parent_version_id uuid         REFERENCES model_version (id) ON DELETE SET NULL,
    lineage           jsonb        NOT NULL DEFAULT '{}',
    notes             text         NOT NULL DEFAULT '',
    created_at        timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT model_version_number_unique UNIQUE (model_id, version_number),
    CONSTRAINT model_version_number_positive CHECK (version_number > 0)
);

CREATE INDEX model_version_parent_idx ON model_version (parent_version_id);

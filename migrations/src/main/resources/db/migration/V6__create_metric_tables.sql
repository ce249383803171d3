-- What evaluate and fine-tune jobs measure, the datasets they used, and a sample of their predictions.

-- A job's datasets by role (train, validation, test); a dataset in use by an active job cannot be deleted.
CREATE TABLE job_dataset (
    job_id     uuid        NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    role       varchar(20) NOT NULL,
    dataset_id uuid        NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    PRIMARY KEY (job_id, role),
    CONSTRAINT job_dataset_role_known CHECK (role IN ('train', 'validation', 'test'))
);

CREATE INDEX job_dataset_dataset_idx ON job_dataset (dataset_id);

-- One measured value: per step and epoch during training (split 'train' or 'validation'), or a final
-- figure (step and epoch null) on a split. Final test figures of a model version on a dataset and
-- task make up the leaderboard.
CREATE TABLE metric (
    id               bigserial        PRIMARY KEY,
    job_id           uuid             NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    model_id         uuid             REFERENCES model (id) ON DELETE SET NULL,
    model_version_id uuid             REFERENCES model_version (id) ON DELETE SET NULL,
    dataset_id       uuid             REFERENCES dataset (id) ON DELETE SET NULL,
    task             varchar(40)      NOT NULL,
    split            varchar(20)      NOT NULL,
    name             varchar(100)     NOT NULL,
    value            double precision NOT NULL,
    step             integer,
    epoch            integer,
    recorded_at      timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT metric_split_known CHECK (split IN ('train', 'validation', 'test'))
);

CREATE INDEX metric_job_idx ON metric (job_id, name, step);
CREATE INDEX metric_model_version_idx ON metric (model_version_id);
CREATE INDEX metric_leaderboard_idx ON metric (dataset_id, task, name) WHERE step IS NULL AND split = 'test';

-- The first rows of an evaluation with what the model predicted, for the UI and a CSV download.
CREATE TABLE prediction_sample (
    job_id    uuid    NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    row_index integer NOT NULL,
    input     jsonb   NOT NULL,
    expected  jsonb,
    predicted jsonb   NOT NULL,
    PRIMARY KEY (job_id, row_index)
);

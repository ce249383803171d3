-- Uploaded datasets: the file lives in the datasets folder (modelcat.datasets.dir) under storage_path; this row holds what
-- sniffing found in it (columns and types, row counts, bad records, a preview) so that listing,
-- previewing and checking a column mapping never re-read the file.
CREATE TABLE dataset (
    id             uuid         PRIMARY KEY,
    name           varchar(200) NOT NULL,
    format         varchar(10)  NOT NULL,
    size_bytes     bigint       NOT NULL,
    sha256         char(64)     NOT NULL,
    row_count      bigint       NOT NULL,
    bad_row_count  bigint       NOT NULL DEFAULT 0,
    bad_rows       jsonb        NOT NULL DEFAULT '[]',
    columns        jsonb        NOT NULL,
    preview        jsonb        NOT NULL,
    storage_path   varchar(500) NOT NULL UNIQUE,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT dataset_format_known CHECK (format IN ('jsonl', 'json', 'csv', 'tsv')),
    CONSTRAINT dataset_counts_positive CHECK (size_bytes >= 0 AND row_count >= 0 AND bad_row_count >= 0)
);

-- The list is newest first; id breaks ties between rows created in the same instant.
CREATE INDEX dataset_created_idx ON dataset (created_at DESC, id DESC);

-- Models uploaded as files (an archive in the Hub's layout) are a source of their own: an upload of the same
-- repository id again becomes its next version, as an import of a new Hub revision does.
ALTER TABLE model DROP CONSTRAINT model_source_type_known;
ALTER TABLE model ADD CONSTRAINT model_source_type_known
    CHECK (source_type IN ('manual', 'huggingface', 'finetuned', 'upload'));

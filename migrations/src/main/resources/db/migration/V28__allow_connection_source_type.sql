-- Models served by an LLM connection (docs/llm.md) appear in the catalog as cards of their own, one per allowed
-- model of the connection, with source_repo '<connection>/<model>' (the mesh's model name). The connection owns
-- them: creating, changing or deleting it writes its cards in the same transaction.
ALTER TABLE model DROP CONSTRAINT model_source_type_known;
ALTER TABLE model ADD CONSTRAINT model_source_type_known
    CHECK (source_type IN ('manual', 'huggingface', 'finetuned', 'upload', 'connection'));
-- '<connection>/<model>': a connection's name (up to 63 characters) and an allowed model (up to 200). The search
-- trigger watches the column, so it is set aside while the type changes (no rows are rewritten: only the limit grows).
DROP TRIGGER model_search_vector_trigger ON model;
ALTER TABLE model ALTER COLUMN source_repo TYPE varchar(300);
CREATE TRIGGER model_search_vector_trigger
    BEFORE INSERT OR UPDATE OF name, tags, publisher, source_repo, description ON model
    FOR EACH ROW EXECUTE FUNCTION model_search_vector_update();

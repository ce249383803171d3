-- Issue 19's next slice (docs/llm.md): more provider kinds, an Azure OpenAI API version, a request rate limit and a
-- price table per connection, and the estimated cost of every call. Numbered 24 to leave 23 to a parallel change.
ALTER TABLE llm_connection DROP CONSTRAINT llm_connection_kind_known;
ALTER TABLE llm_connection ADD CONSTRAINT llm_connection_kind_known
    CHECK (kind IN ('openai-compatible', 'modelcat', 'openai', 'azure-openai', 'anthropic', 'mistral', 'gemini'));
ALTER TABLE llm_connection ADD COLUMN api_version varchar(40);
-- Requests a minute through the connection (a token bucket per catalog service); null: no limit.
ALTER TABLE llm_connection ADD COLUMN requests_per_minute integer
    CONSTRAINT llm_connection_requests_per_minute_positive CHECK (requests_per_minute > 0);
-- {"<model>": {"inputPerMillion": <USD>, "outputPerMillion": <USD>}} for the connection's allowed models.
ALTER TABLE llm_connection ADD COLUMN prices jsonb NOT NULL DEFAULT '{}';
-- The estimated cost in USD from the connection's price for the model when the call was made; null: no price.
ALTER TABLE llm_usage ADD COLUMN cost_usd numeric(20, 10);

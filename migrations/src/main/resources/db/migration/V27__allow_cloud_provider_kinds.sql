-- Issue 19's cloud provider kinds (docs/llm.md): AWS Bedrock (SigV4 with a region and an access key id; the secret
-- access key is kept in the secret table like other keys), Google Vertex AI (a project and a location; the service
-- account key is the secret) and Cohere. Numbered 27 to leave 26 to a parallel change.
ALTER TABLE llm_connection DROP CONSTRAINT llm_connection_kind_known;
ALTER TABLE llm_connection ADD CONSTRAINT llm_connection_kind_known
    CHECK (kind IN ('openai-compatible', 'modelcat', 'openai', 'azure-openai', 'anthropic', 'mistral', 'gemini',
                    'bedrock', 'vertex', 'cohere'));
-- bedrock: the AWS region the calls are signed for, e.g. us-east-1, and the access key id (not secret).
ALTER TABLE llm_connection ADD COLUMN region varchar(40);
ALTER TABLE llm_connection ADD COLUMN access_key_id varchar(128);
-- vertex: the Google Cloud project and location (e.g. us-central1, global) of the calls.
ALTER TABLE llm_connection ADD COLUMN project varchar(64);
ALTER TABLE llm_connection ADD COLUMN location varchar(40);

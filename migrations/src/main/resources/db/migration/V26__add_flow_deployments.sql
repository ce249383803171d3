-- Flow deployments (docs/flows.md, "Deploying a flow"): a deployment serves either a model version, on instances that
-- runners load, or a saved prompt flow, which the catalog service taking the call runs through the LLM mesh. A flow
-- deployment keeps its own copy of the flow's definition (the version it was deployed from), so that saving the flow
-- changes no live endpoint until the deployment is told to take the new version; the flow cannot be deleted while
-- a deployment serves it. The flow's calls are made as the deployment's creator (created_by).
ALTER TABLE deployment ALTER COLUMN model_id DROP NOT NULL;
ALTER TABLE deployment ALTER COLUMN model_version_id DROP NOT NULL;
ALTER TABLE deployment ALTER COLUMN artifact_uri DROP NOT NULL;
ALTER TABLE deployment ADD COLUMN flow_name varchar(63) REFERENCES prompt_flow (name) ON DELETE RESTRICT;
ALTER TABLE deployment ADD COLUMN flow_version integer;
ALTER TABLE deployment ADD COLUMN flow_definition jsonb;
-- The variant each step runs ({"label": "terse"}); a step not named runs its first.
ALTER TABLE deployment ADD COLUMN flow_variants jsonb;
ALTER TABLE deployment ADD CONSTRAINT deployment_serves_model_or_flow CHECK (
    (model_id IS NOT NULL AND model_version_id IS NOT NULL AND artifact_uri IS NOT NULL
        AND flow_name IS NULL AND flow_version IS NULL AND flow_definition IS NULL AND flow_variants IS NULL)
    OR (model_id IS NULL AND model_version_id IS NULL AND artifact_uri IS NULL
        AND flow_name IS NOT NULL AND flow_version IS NOT NULL AND flow_definition IS NOT NULL
        AND flow_variants IS NOT NULL));
CREATE INDEX deployment_flow_idx ON deployment (flow_name) WHERE flow_name IS NOT NULL;

-- The model version each instance serves: when a deployment moves to another version, instances of the new
-- version are placed and loaded while those of the old one keep answering, and the old ones go once the new
-- ones are ready (docs/deployments.md, "Updating a deployment").
ALTER TABLE deployment_instance ADD COLUMN model_version_id uuid REFERENCES model_version (id);
ALTER TABLE deployment_instance ADD COLUMN artifact_uri text;
UPDATE deployment_instance i SET model_version_id = d.model_version_id, artifact_uri = d.artifact_uri
FROM deployment d WHERE d.id = i.deployment_id;
ALTER TABLE deployment_instance ALTER COLUMN model_version_id SET NOT NULL;
ALTER TABLE deployment_instance ALTER COLUMN artifact_uri SET NOT NULL;
CREATE INDEX deployment_instance_version_idx ON deployment_instance (model_version_id);

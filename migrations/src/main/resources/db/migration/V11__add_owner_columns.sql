-- Who submitted a job and who uploaded a dataset: contributors may cancel their own jobs and delete
-- their own datasets; admins may act on anyone's. Null for rows made before accounts existed.
ALTER TABLE job ADD COLUMN submitted_by uuid REFERENCES app_user (id) ON DELETE SET NULL;
ALTER TABLE dataset ADD COLUMN created_by uuid REFERENCES app_user (id) ON DELETE SET NULL;

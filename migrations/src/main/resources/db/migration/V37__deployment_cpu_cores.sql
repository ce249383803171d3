-- CPU cores per instance of an online deployment (as an Azure ML instance type's vCPUs, a KServe CPU request):
-- NULL shares the runner's cores uncounted (as before); a number is reserved on the runner that an instance is
-- placed on (placement puts it only where the runner's cores not yet reserved suffice) and is how many threads
-- the instance's forward passes run on. Each instance keeps the count it was placed with, as it keeps its model
-- version: a deployment whose count changes has its instances replaced once the new ones are ready.
ALTER TABLE deployment ADD COLUMN cpu_cores integer;
ALTER TABLE deployment ADD CONSTRAINT deployment_cpu_cores_positive CHECK (cpu_cores IS NULL OR cpu_cores >= 1);
ALTER TABLE deployment_instance ADD COLUMN cpu_cores integer;

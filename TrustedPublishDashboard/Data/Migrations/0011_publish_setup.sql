-- Per-manager publish workflows (#12): how the package's repository installs, builds and releases (PublishSetup as JSON,
-- read from the imported archive); NULL for packages added by name.
ALTER TABLE onboarding_plan_packages ADD COLUMN publish_setup_json TEXT;
-- The repository the registry reports for the package (npm: the packument's `repository`), checked for packages added by
-- name, which have no package.json in the plan.
ALTER TABLE onboarding_plan_packages ADD COLUMN registry_repository_url TEXT;

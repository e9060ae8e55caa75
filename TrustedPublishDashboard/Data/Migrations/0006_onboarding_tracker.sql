-- Onboarding wizard (#5): the plan's target publisher, what each package's manifest said, the tracker's steps and
-- the last trust-list comparison. A missing step row means "pending".
ALTER TABLE onboarding_plans ADD COLUMN registry TEXT NOT NULL DEFAULT 'npm';
ALTER TABLE onboarding_plans ADD COLUMN publisher_json TEXT;      -- PublisherPlan; NULL until chosen
ALTER TABLE onboarding_plans ADD COLUMN updated_at TEXT;

ALTER TABLE onboarding_plan_packages ADD COLUMN source TEXT;                -- grid | list | archive:<file> | search:<query>
ALTER TABLE onboarding_plan_packages ADD COLUMN manifest_version TEXT;
ALTER TABLE onboarding_plan_packages ADD COLUMN repository_url TEXT;
ALTER TABLE onboarding_plan_packages ADD COLUMN repository_directory TEXT;
ALTER TABLE onboarding_plan_packages ADD COLUMN workspace_path TEXT;
ALTER TABLE onboarding_plan_packages ADD COLUMN override_json TEXT;         -- PublisherOverride; NULL = as the plan
ALTER TABLE onboarding_plan_packages ADD COLUMN registry_state TEXT NOT NULL DEFAULT 'unchecked'; -- unchecked | exists | missing | error
ALTER TABLE onboarding_plan_packages ADD COLUMN registry_checked_at TEXT;
ALTER TABLE onboarding_plan_packages ADD COLUMN registry_error TEXT;

CREATE TABLE onboarding_steps (
    plan_id     INTEGER NOT NULL,
    package_id  INTEGER NOT NULL,
    step        TEXT NOT NULL,      -- bootstrap | trust-configured | oidc-only | token-deleted | first-oidc-publish
    state       TEXT NOT NULL,      -- pending | verified | confirmed | not-needed | failed
    note        TEXT,               -- the proof, the reason of a failure, or what is awaited
    actor       TEXT,               -- who confirmed (NULL when the dashboard verified it)
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (plan_id, package_id, step),
    FOREIGN KEY (plan_id, package_id) REFERENCES onboarding_plan_packages (plan_id, package_id) ON DELETE CASCADE
);

CREATE INDEX ix_onboarding_steps_package ON onboarding_steps (package_id, step);

CREATE TABLE onboarding_trust_checks (
    plan_id     INTEGER NOT NULL,
    package_id  INTEGER NOT NULL,
    checked_at  TEXT NOT NULL,
    matches     INTEGER NOT NULL,
    summary     TEXT NOT NULL,
    result_json TEXT NOT NULL,      -- field-by-field comparison and fix commands
    PRIMARY KEY (plan_id, package_id),
    FOREIGN KEY (plan_id, package_id) REFERENCES onboarding_plan_packages (plan_id, package_id) ON DELETE CASCADE
);

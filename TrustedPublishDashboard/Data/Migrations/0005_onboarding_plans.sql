-- Onboarding plans: the packages a maintainer is moving to trusted publishing together.
CREATE TABLE onboarding_plans (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL COLLATE NOCASE UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE onboarding_plan_packages (
    plan_id     INTEGER NOT NULL REFERENCES onboarding_plans (id) ON DELETE CASCADE,
    package_id  INTEGER NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (plan_id, package_id)
);

CREATE INDEX ix_onboarding_plan_packages_package ON onboarding_plan_packages (package_id);

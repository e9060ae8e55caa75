-- What the compliance grid shows per package, kept beside the status so the grid is one indexed table scan:
-- written in the same transaction as the evidence it summarises.
ALTER TABLE package_evidence ADD COLUMN latest_published_at TEXT NULL;
ALTER TABLE package_evidence ADD COLUMN latest_provenance INTEGER NULL;
ALTER TABLE package_evidence ADD COLUMN latest_provider TEXT NULL;
ALTER TABLE package_evidence ADD COLUMN latest_repository TEXT NULL;
ALTER TABLE package_evidence ADD COLUMN latest_workflow TEXT NULL;
ALTER TABLE package_evidence ADD COLUMN last_token_version TEXT NULL;
ALTER TABLE package_evidence ADD COLUMN last_token_at TEXT NULL;
ALTER TABLE package_evidence ADD COLUMN finding_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE package_evidence ADD COLUMN has_downgrade INTEGER NOT NULL DEFAULT 0;
ALTER TABLE package_evidence ADD COLUMN has_drift INTEGER NOT NULL DEFAULT 0;

CREATE INDEX ix_package_evidence_latest_method ON package_evidence (latest_method);
CREATE INDEX ix_package_evidence_checked ON package_evidence (checked_at);
CREATE INDEX ix_package_evidence_last_token ON package_evidence (last_token_at);
CREATE INDEX ix_packages_name ON packages (name);
-- The dashboard's "latest publishes" feed reads the newest versions across all packages.
CREATE INDEX ix_package_versions_published_at ON package_versions (published_at);

-- Sample data (seed command, "Load sample workspace") is labelled everywhere and removable in one step.
ALTER TABLE packages ADD COLUMN is_sample INTEGER NOT NULL DEFAULT 0;

-- One row per day and status, for the compliance-over-time chart; refreshed after every poll.
CREATE TABLE compliance_snapshots (
    day      TEXT NOT NULL,       -- yyyy-MM-dd (UTC)
    status   TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (day, status)
);

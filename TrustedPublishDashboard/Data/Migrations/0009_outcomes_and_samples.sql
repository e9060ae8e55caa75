-- #12: a poll with failures is not "succeeded". SQLite cannot change a CHECK constraint in place, so job_runs is rebuilt
-- with the new outcome 'completed-with-failures' (nothing references job_runs).
CREATE TABLE job_runs_new (
    id           INTEGER PRIMARY KEY,
    job_key      TEXT NOT NULL,
    trigger      TEXT NOT NULL,              -- 'schedule' | 'manual'
    requested_by TEXT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NULL,
    duration_ms  INTEGER NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'completed-with-failures', 'failed', 'interrupted')),
    error        TEXT NULL,
    detail       TEXT NULL,
    failed_count INTEGER NULL,               -- items that failed in a run that completed with failures
    link         TEXT NULL                   -- where the failing items are shown (relative to the app's base)
);
INSERT INTO job_runs_new (id, job_key, trigger, requested_by, started_at, finished_at, duration_ms, outcome, error, detail)
    SELECT id, job_key, trigger, requested_by, started_at, finished_at, duration_ms, outcome, error, detail FROM job_runs;
DROP TABLE job_runs;
ALTER TABLE job_runs_new RENAME TO job_runs;
CREATE INDEX ix_job_runs_job_started ON job_runs (job_key, started_at DESC);

-- Alerts raised by the sample workspace: shown on the Alerts page as samples, never delivered to any channel, removed
-- with the sample packages.
ALTER TABLE alerts ADD COLUMN is_sample INTEGER NOT NULL DEFAULT 0;

-- A package the registry has never had (waiting for its bootstrap publish) is 'not-published', not 'error'. The status
-- CHECK is widened the only way SQLite allows: rebuild the table (only packages is referenced; nothing references it).
CREATE TABLE package_evidence_new (
    package_id            INTEGER PRIMARY KEY REFERENCES packages (id) ON DELETE CASCADE,
    status                TEXT NOT NULL CHECK (status IN ('compliant', 'non-compliant', 'unknown', 'error', 'not-published')),
    latest_version        TEXT NULL,
    latest_method         TEXT NULL,
    etag                  TEXT NULL,
    last_modified         TEXT NULL,
    maintainers           TEXT NULL,      -- JSON array of {name, email}
    checked_at            TEXT NOT NULL,
    succeeded_at          TEXT NULL,
    error                 TEXT NULL,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    latest_published_at   TEXT NULL,
    latest_provenance     INTEGER NULL,
    latest_provider       TEXT NULL,
    latest_repository     TEXT NULL,
    latest_workflow       TEXT NULL,
    last_token_version    TEXT NULL,
    last_token_at         TEXT NULL,
    finding_count         INTEGER NOT NULL DEFAULT 0,
    has_downgrade         INTEGER NOT NULL DEFAULT 0,
    has_drift             INTEGER NOT NULL DEFAULT 0
);
INSERT INTO package_evidence_new SELECT package_id, status, latest_version, latest_method, etag, last_modified, maintainers, checked_at,
    succeeded_at, error, consecutive_failures, latest_published_at, latest_provenance, latest_provider, latest_repository, latest_workflow,
    last_token_version, last_token_at, finding_count, has_downgrade, has_drift FROM package_evidence;
-- Existing packages that were never found: what a poll now records for them.
UPDATE package_evidence_new SET status = 'not-published', error = NULL, consecutive_failures = 0
    WHERE status = 'error' AND succeeded_at IS NULL AND error LIKE '%(404)%';
DROP TABLE package_evidence;
ALTER TABLE package_evidence_new RENAME TO package_evidence;
CREATE INDEX ix_package_evidence_status ON package_evidence (status);
CREATE INDEX ix_package_evidence_latest_method ON package_evidence (latest_method);
CREATE INDEX ix_package_evidence_checked ON package_evidence (checked_at);
CREATE INDEX ix_package_evidence_last_token ON package_evidence (last_token_at);

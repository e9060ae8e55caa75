-- One row per execution of a background job: what the Jobs page shows as "last run".
CREATE TABLE job_runs (
    id           INTEGER PRIMARY KEY,
    job_key      TEXT NOT NULL,
    trigger      TEXT NOT NULL,              -- 'schedule' | 'manual'
    requested_by TEXT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NULL,
    duration_ms  INTEGER NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'interrupted')),
    error        TEXT NULL,
    detail       TEXT NULL
);

CREATE INDEX ix_job_runs_job_started ON job_runs (job_key, started_at DESC);

-- Issue #12: a package page lists THIS package's checks, not every poll of every registry. One row per package per
-- poll, written in the transaction that stores the evidence (one insert, one bounded delete), and only the newest
-- rows per package are kept (PackageChecks.Keep), so the table stays small however often polls run.
CREATE TABLE package_checks (
    id           INTEGER PRIMARY KEY,
    package_id   INTEGER NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    -- The poll run gives the trigger (scheduled / manual); runs are never deleted today, NULL if one ever is.
    poll_run_id  INTEGER NULL REFERENCES poll_runs (id) ON DELETE SET NULL,
    checked_at   TEXT NOT NULL,
    outcome      TEXT NOT NULL,            -- updated | unchanged | failed | not-found | not-published
    error        TEXT NULL,
    duration_ms  INTEGER NOT NULL
);

CREATE INDEX ix_package_checks_package ON package_checks (package_id, id);


-- Findings people can triage (issue #12): an acceptance says one finding of one package (kind + version, '' for a
-- package-level finding) does not count, with the reason, who and when, and an optional expiry. Rows are never
-- deleted: an acceptance that is reopened or expires gets ended_at, so the rows are each finding's history.
CREATE TABLE finding_acceptances (
    id           INTEGER PRIMARY KEY,
    package_id   INTEGER NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    version      TEXT NOT NULL DEFAULT '',
    reason_kind  TEXT NOT NULL CHECK (reason_kind IN ('intended-change', 'accepted-risk', 'false-positive')),
    reason       TEXT NOT NULL,
    accepted_by  TEXT NOT NULL,
    accepted_at  TEXT NOT NULL,
    expires_at   TEXT NULL,
    ended_at     TEXT NULL,
    ended_by     TEXT NULL,
    end_reason   TEXT NULL CHECK (end_reason IN ('reopened', 'expired'))
);

-- At most one active acceptance per finding.
CREATE UNIQUE INDEX ux_finding_acceptances_active ON finding_acceptances (package_id, kind, version) WHERE ended_at IS NULL;
-- The expiry sweep (each poll, each read of the grid or a package, the maintenance job) reads only due rows.
CREATE INDEX ix_finding_acceptances_expiry ON finding_acceptances (expires_at) WHERE ended_at IS NULL AND expires_at IS NOT NULL;
CREATE INDEX ix_finding_acceptances_package ON finding_acceptances (package_id, kind, version);

-- Accepted findings are not in finding_count (open findings only); the grid's marker and filter read this.
ALTER TABLE package_evidence ADD COLUMN accepted_count INTEGER NOT NULL DEFAULT 0;

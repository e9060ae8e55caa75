-- Evidence polled from registries: per package state, per version evidence, raw attestations, findings, poll runs.

-- One row per package once it has been checked. A failed fetch updates only the check columns (checked_at, error,
-- consecutive_failures, status); versions, findings and validators stay as the last successful fetch left them.
CREATE TABLE package_evidence (
    package_id            INTEGER PRIMARY KEY REFERENCES packages (id) ON DELETE CASCADE,
    status                TEXT NOT NULL CHECK (status IN ('compliant', 'non-compliant', 'unknown', 'error')),
    latest_version        TEXT NULL,
    latest_method         TEXT NULL,
    etag                  TEXT NULL,
    last_modified         TEXT NULL,
    maintainers           TEXT NULL,      -- JSON array of {name, email}
    checked_at            TEXT NOT NULL,
    succeeded_at          TEXT NULL,
    error                 TEXT NULL,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX ix_package_evidence_status ON package_evidence (status);

CREATE TABLE package_versions (
    package_id        INTEGER NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    version           TEXT NOT NULL,
    published_at      TEXT NULL,
    method            TEXT NOT NULL CHECK (method IN ('trusted-publisher', 'staged', 'token-with-provenance', 'token', 'unknown')),
    provenance        INTEGER NOT NULL,
    published_by      TEXT NULL,
    approved_by       TEXT NULL,
    provider          TEXT NULL,
    repository        TEXT NULL,
    workflow          TEXT NULL,
    ref               TEXT NULL,
    environment       TEXT NULL,
    trigger           TEXT NULL,
    config_id         TEXT NULL,
    commit_sha        TEXT NULL,
    runner            TEXT NULL,
    invocation        TEXT NULL,
    -- 'not-applicable' (no attestations), 'pending' (not fetched yet), 'fetched', 'none' (404), 'error' (undecodable)
    attestation_state TEXT NOT NULL,
    evidence_error    TEXT NULL,
    first_seen_at     TEXT NOT NULL,
    removed_at        TEXT NULL,       -- set when the registry stops listing the version (unpublished)
    PRIMARY KEY (package_id, version)
);

CREATE INDEX ix_package_versions_published ON package_versions (package_id, published_at);

-- Attestations are immutable per version: fetched once, kept verbatim.
CREATE TABLE attestations (
    package_id   INTEGER NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    version      TEXT NOT NULL,
    fetched_at   TEXT NOT NULL,
    http_status  INTEGER NOT NULL,
    body         TEXT NULL,
    PRIMARY KEY (package_id, version)
);

-- The package's current findings; detected_at is kept while a finding stays, so "since when" survives re-polls.
CREATE TABLE findings (
    id           INTEGER PRIMARY KEY,
    package_id   INTEGER NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    version      TEXT NOT NULL DEFAULT '',   -- '' for package-level findings
    message      TEXT NOT NULL,
    detected_at  TEXT NOT NULL,
    UNIQUE (package_id, kind, version)
);

CREATE INDEX ix_findings_kind ON findings (kind);

CREATE TABLE poll_runs (
    id                 INTEGER PRIMARY KEY,
    registry           TEXT NOT NULL,
    trigger            TEXT NOT NULL,
    started_at         TEXT NOT NULL,
    finished_at        TEXT NULL,
    packages_total     INTEGER NOT NULL DEFAULT 0,
    packages_ok        INTEGER NOT NULL DEFAULT 0,
    packages_failed    INTEGER NOT NULL DEFAULT 0,
    packages_unchanged INTEGER NOT NULL DEFAULT 0,
    requests           INTEGER NOT NULL DEFAULT 0,
    bytes              INTEGER NOT NULL DEFAULT 0,
    not_modified       INTEGER NOT NULL DEFAULT 0,
    error              TEXT NULL
);

CREATE INDEX ix_poll_runs_started ON poll_runs (started_at DESC);

-- Alerting (#6): the durable outbox, channels, per-channel deliveries and mutes.
-- An alert is inserted in the same transaction as the evidence that raised it; (registry, package, key, kind) is
-- unique, so re-polling the same evidence never raises it twice.
CREATE TABLE alerts (
    id               INTEGER PRIMARY KEY,
    registry         TEXT NOT NULL,
    package_id       INTEGER NULL REFERENCES packages (id) ON DELETE SET NULL,
    package          TEXT NOT NULL DEFAULT '',     -- '' for the digest
    key              TEXT NOT NULL DEFAULT '',     -- version, fingerprint or '' (once per package)
    kind             TEXT NOT NULL,
    severity         TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'medium', 'high', 'critical')),
    title            TEXT NOT NULL,
    message          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL UNIQUE,
    -- pending: to be delivered · done: every eligible channel answered (sent or failed for good) · muted: raised
    -- while a mute applied (recorded, never delivered) · historic: about a version older than the package's tracking
    dispatch_state   TEXT NOT NULL CHECK (dispatch_state IN ('pending', 'done', 'muted', 'historic')),
    acknowledged_by  TEXT NULL,
    acknowledged_at  TEXT NULL,
    UNIQUE (registry, package, key, kind)
);

CREATE INDEX ix_alerts_dispatch ON alerts (dispatch_state, id);
CREATE INDEX ix_alerts_created ON alerts (created_at);
CREATE INDEX ix_alerts_package ON alerts (package_id);

CREATE TABLE alert_channels (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('webhook', 'slack', 'email')),
    name             TEXT NOT NULL COLLATE NOCASE UNIQUE,
    enabled          INTEGER NOT NULL DEFAULT 1,
    min_severity     TEXT NOT NULL DEFAULT 'medium',
    send_digest      INTEGER NOT NULL DEFAULT 1,
    url              TEXT NULL,                    -- webhook target (not secret)
    secret_protected TEXT NULL,                    -- Data Protection payload: signing key / Slack URL / SMTP password
    smtp_host        TEXT NULL,
    smtp_port        INTEGER NULL,
    smtp_starttls    INTEGER NULL,
    smtp_user        TEXT NULL,
    email_from       TEXT NULL,
    email_to         TEXT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE TABLE alert_deliveries (
    alert_id         INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    channel_id       INTEGER NOT NULL REFERENCES alert_channels (id) ON DELETE CASCADE,
    state            TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_attempt_at  TEXT NULL,
    last_error       TEXT NULL,
    last_status      INTEGER NULL,
    sent_at          TEXT NULL,
    PRIMARY KEY (alert_id, channel_id)
);

CREATE INDEX ix_alert_deliveries_due ON alert_deliveries (state, next_attempt_at);

CREATE TABLE alert_mutes (
    id          INTEGER PRIMARY KEY,
    scope       TEXT NOT NULL CHECK (scope IN ('package', 'kind')),
    registry    TEXT NULL,
    package     TEXT NULL,
    kind        TEXT NULL,
    until       TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

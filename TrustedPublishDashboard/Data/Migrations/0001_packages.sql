-- Packages the dashboard tracks, and the groups they are organised in.
CREATE TABLE package_groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL COLLATE NOCASE UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE packages (
    id          INTEGER PRIMARY KEY,
    registry    TEXT NOT NULL CHECK (registry IN ('npm', 'pypi', 'rubygems')),
    name        TEXT NOT NULL,
    group_id    INTEGER NULL REFERENCES package_groups (id) ON DELETE SET NULL,
    added_at    TEXT NOT NULL,
    UNIQUE (registry, name)
);

CREATE INDEX ix_packages_group ON packages (group_id);
CREATE INDEX ix_packages_added_at ON packages (added_at);

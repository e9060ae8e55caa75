-- Security/robustness (#10): a poll writes its counts as it goes, so a run cut off by a crash (kill -9) still says
-- what it did; the next start closes such a run as interrupted at its last progress time.
ALTER TABLE poll_runs ADD COLUMN progress_at TEXT NULL;

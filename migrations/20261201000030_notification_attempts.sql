-- Every attempt the dispatcher makes to send a notice by email, SMS or Zalo (#22): written
-- 'sending' when a dispatcher claims the notice, then given its outcome. An attempt left
-- 'sending' is one whose dispatcher stopped mid-send (a crash): the notice's lease runs out and
-- another attempt follows.
CREATE TABLE notification_attempts (
    notification_id  TEXT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    attempt          BIGINT NOT NULL CHECK (attempt >= 1),
    started_at       TEXT NOT NULL,
    finished_at      TEXT,
    outcome          TEXT NOT NULL
        CHECK (outcome IN ('sending', 'sent', 'retry', 'failed', 'skipped')),
    error            TEXT,
    PRIMARY KEY (notification_id, attempt)
);

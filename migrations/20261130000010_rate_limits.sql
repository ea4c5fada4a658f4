-- Request throttles shared by every app server: sign-in, change of password, sign-up, guest
-- order lookups (see app/src/db/rate_limits.rs). One row per key, e.g.
-- 'signin:pair:<login>|<address>' or 'lookup:order:<order number>': the attempts counted in
-- the current window, the wait before the next one, and when the window ends and the count
-- starts again. Times are Unix milliseconds. Rows whose window has ended are deleted by the
-- settling task, so the table holds at most one window's worth of keys.
CREATE TABLE rate_limits (
    bucket_key  TEXT PRIMARY KEY CHECK (bucket_key <> ''),
    hits        BIGINT NOT NULL CHECK (hits >= 0),
    delay_ms    BIGINT NOT NULL CHECK (delay_ms >= 0),
    next_at     BIGINT NOT NULL,
    window_end  BIGINT NOT NULL,
    -- The attempt last let through (how a request knows it was the one).
    grant_id    TEXT NOT NULL
);
CREATE INDEX rate_limits_window_end ON rate_limits (window_end);

-- Replaced by rate_limits: its counts never decayed, and it was read then written in two
-- steps, which concurrent sign-ins slipped between.
DROP TABLE login_throttle;

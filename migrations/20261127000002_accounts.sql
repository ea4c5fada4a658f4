-- Accounts: sessions shared by every app server, login throttling, producer applications.

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a copy
-- of the database does not hand out live sessions.
CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    ip            TEXT,
    user_agent    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed logins per account ('account:<normalised login>') and per client ('ip:<address>').
-- A success clears the account's row; rows expire with their lock.
CREATE TABLE login_throttle (
    throttle_key  TEXT PRIMARY KEY CHECK (throttle_key <> ''),
    failures      BIGINT NOT NULL CHECK (failures >= 0),
    locked_until  TEXT,
    updated_at    TEXT NOT NULL
);

-- Passwords an administrator reset must be changed at the next login.
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));

-- Who asked to create a producer (a farmer's application), for the commune officers' queue.
ALTER TABLE producers ADD COLUMN applied_by TEXT REFERENCES users (id);

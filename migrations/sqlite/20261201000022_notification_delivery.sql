-- Delivering notices beyond the inbox (#22): see migrations/postgres/ for the why. SQLite cannot
-- alter a CHECK, so the table is rebuilt (nothing refers to it).
CREATE TABLE notifications_new (
    id                 TEXT PRIMARY KEY,
    event_key          TEXT NOT NULL CHECK (event_key <> ''),
    kind               TEXT NOT NULL CHECK (kind <> ''),
    recipient          TEXT NOT NULL CHECK (recipient <> ''),
    recipient_user_id  TEXT REFERENCES users (id) ON DELETE CASCADE,
    channel            TEXT NOT NULL CHECK (channel IN ('inbox', 'email', 'sms', 'zalo')),
    locale             TEXT NOT NULL DEFAULT 'vi' CHECK (locale IN ('vi', 'en')),
    params             TEXT NOT NULL DEFAULT '{}',
    link               TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts           BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at    TEXT,
    last_error         TEXT,
    created_at         TEXT NOT NULL,
    sent_at            TEXT,
    read_at            TEXT,
    address            TEXT,
    lease_until        TEXT,
    UNIQUE (event_key, recipient, channel),
    CHECK (channel <> 'inbox' OR recipient_user_id IS NOT NULL),
    CHECK (channel = 'inbox' OR (address IS NOT NULL AND address <> ''))
);
INSERT INTO notifications_new (id, event_key, kind, recipient, recipient_user_id, channel, locale,
        params, link, status, attempts, next_attempt_at, last_error, created_at, sent_at, read_at)
    SELECT id, event_key, kind, recipient, recipient_user_id, channel, locale, params, link,
        status, attempts, next_attempt_at, last_error, created_at, sent_at, read_at
    FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_inbox ON notifications (recipient_user_id, channel, created_at);
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);

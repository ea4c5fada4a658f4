-- Notifications (#22): the transactional outbox of everything the marketplace tells people.
-- One row per (event, recipient, channel), written in the same transaction as the change that
-- causes it, so a committed change always has its notices and a rolled-back one has none.
-- `recipient` is the key the uniqueness is on ("user:<id>", "phone:+84…", "email:…"): the same
-- event written twice (a retry, two servers) stays one notice per person and channel.
-- The in-site inbox (channel 'inbox') is delivered by being written; the other channels are
-- sent by a dispatcher that records its attempts here.
CREATE TABLE notifications (
    id                 TEXT PRIMARY KEY,
    event_key          TEXT NOT NULL CHECK (event_key <> ''),
    kind               TEXT NOT NULL CHECK (kind <> ''),
    recipient          TEXT NOT NULL CHECK (recipient <> ''),
    recipient_user_id  TEXT REFERENCES users (id) ON DELETE CASCADE,
    channel            TEXT NOT NULL CHECK (channel IN ('inbox', 'email', 'sms', 'zalo')),
    locale             TEXT NOT NULL DEFAULT 'vi' CHECK (locale IN ('vi', 'en')),
    -- What the texts need (names, numbers, reasons), as JSON.
    params             TEXT NOT NULL DEFAULT '{}',
    -- The page the notice leads to (a path of this site).
    link               TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts           BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at    TEXT,
    last_error         TEXT,
    created_at         TEXT NOT NULL,
    sent_at            TEXT,
    read_at            TEXT,
    UNIQUE (event_key, recipient, channel),
    CHECK (channel <> 'inbox' OR recipient_user_id IS NOT NULL)
);
-- The inbox and the header's unread count.
CREATE INDEX notifications_inbox ON notifications (recipient_user_id, channel, created_at);
-- What the dispatcher still has to send.
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);

-- Verified contacts and notification preferences (#22).
-- A phone or email is verified once its owner typed the code sent to it; only verified
-- contacts get an account's notices by SMS, Zalo or email (a typo never spams a stranger).
ALTER TABLE users ADD COLUMN phone_verified_at TEXT;
ALTER TABLE users ADD COLUMN email_verified_at TEXT;
-- What an account changed from the defaults (`NoticeKind::default_on`): one row per kind and
-- channel it switched on or off. The inbox is not here: it always gets every notice.
CREATE TABLE notification_preferences (
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL CHECK (kind <> ''),
    channel  TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'zalo')),
    enabled  BIGINT NOT NULL CHECK (enabled IN (0, 1)),
    PRIMARY KEY (user_id, kind, channel)
);

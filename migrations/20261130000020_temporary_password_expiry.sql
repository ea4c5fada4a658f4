-- A password an administrator sets is temporary: it opens only the change-password page, and
-- only until this instant (UTC, RFC 3339). NULL for a password the user chose. A temporary
-- password set before this column existed has no expiry and counts as expired: the
-- administrator sets a new one.
ALTER TABLE users ADD COLUMN temporary_password_expires_at TEXT;

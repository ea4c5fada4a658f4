-- One-time codes (#22): six digits sent to a phone or email to verify it as the account's own,
-- or to choose a new password. Only a hash of the digits is kept (salted by the row's id); a
-- code works 10 minutes and dies at the fifth wrong try (`app::auth::codes`). `address` is
-- where it went (E.164 phone or lower-case email): the resend limits count per address, and
-- a code verifies only the contact it was sent to.
CREATE TABLE verification_codes (
    id          TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify_phone', 'verify_email', 'reset_password')),
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address     TEXT NOT NULL CHECK (address <> ''),
    code_hash   TEXT NOT NULL CHECK (length(code_hash) = 64),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    tries       BIGINT NOT NULL DEFAULT 0 CHECK (tries >= 0 AND tries <= 5),
    used_at     TEXT
);
-- The newest code for an address (typing one, and the resend limits).
CREATE INDEX verification_codes_address ON verification_codes (address, created_at);
CREATE INDEX verification_codes_user ON verification_codes (user_id, purpose, created_at);

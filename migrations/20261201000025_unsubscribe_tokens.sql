-- One-click unsubscribe (#22, RFC 8058): an email of a notice that is not essential carries a
-- link with a token naming one account and one kind of notice; following it (or the mail
-- client's one-click POST) switches that kind off for email. The token is random and is the
-- whole proof: no sign-in is needed to stop mail.
CREATE TABLE unsubscribe_tokens (
    token       TEXT PRIMARY KEY CHECK (length(token) = 64),
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind <> ''),
    created_at  TEXT NOT NULL,
    UNIQUE (user_id, kind)
);

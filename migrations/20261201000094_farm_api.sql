-- Personal access tokens for the farm API (#26): a producer's app or sensor gateway reads or
-- writes that producer's farm diary in the name of the member who made the token. Only the
-- token's SHA-256 is kept; a revoked token stays, for the record of who wrote what.
CREATE TABLE farm_tokens (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id),
    producer_id   TEXT NOT NULL REFERENCES producers (id),
    name          TEXT NOT NULL CHECK (name <> ''),
    scope         TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE INDEX farm_tokens_user ON farm_tokens (user_id);
-- The id a phone or device gave an entry when it was written down (offline perhaps): sent
-- again after a lost answer, the entry is stored once. Not part of the entry's hash: it says
-- how the entry travelled, not what happened in the orchard.
ALTER TABLE cultivation_log_entries ADD COLUMN client_id TEXT;
CREATE UNIQUE INDEX cultivation_log_entries_client ON cultivation_log_entries (plot_id, client_id);

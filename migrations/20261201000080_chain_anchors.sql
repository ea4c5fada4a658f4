-- Anchors of the farm diary's hash chains outside the rows they cover (#24): whoever can write
-- the database can recompute a whole chain, so its head is also kept where a rewrite shows.
-- The officer's stamp records the plot's chain head it saw (its sequence number and hash).
ALTER TABLE harvest_lots ADD COLUMN verified_chain_seq BIGINT;
ALTER TABLE harvest_lots ADD COLUMN verified_chain_head TEXT;
-- Every day the server signs the set of all plots' chain heads (Ed25519, key outside the
-- database) and publishes it; anyone who kept one can prove a later rewrite.
CREATE TABLE chain_checkpoints (
    day         TEXT PRIMARY KEY,
    -- The signed document, byte for byte (JSON: day and every plot's head).
    body        TEXT NOT NULL,
    -- Ed25519 signature and public key, hex.
    signature   TEXT NOT NULL CHECK (length(signature) = 128),
    public_key  TEXT NOT NULL CHECK (length(public_key) = 64),
    created_at  TEXT NOT NULL
);

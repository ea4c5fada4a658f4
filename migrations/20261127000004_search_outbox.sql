-- Products whose search document must be rewritten. Written in the same transaction as the
-- change itself, read and emptied by the indexer once the search engine has the new document:
-- a crash or a failed index write leaves the row here, so nothing is lost.
-- Append-only (one row per change, ids sort by time): concurrent writers never contend on a row.
CREATE TABLE search_outbox (
    id          TEXT PRIMARY KEY,
    product_id  TEXT NOT NULL,
    queued_at   TEXT NOT NULL
);

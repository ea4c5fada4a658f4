-- One row that /healthz rewrites after a storage fault (e.g. a full disk), to learn whether the
-- database stores writes again (see app/src/db/storage.rs).
CREATE TABLE storage_probe (
    id          INTEGER PRIMARY KEY,
    written_at  TEXT NOT NULL
);
INSERT INTO storage_probe (id, written_at) VALUES (1, '');

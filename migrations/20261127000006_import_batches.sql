-- A spreadsheet an officer uploaded, kept (as its cells) until they confirm the preview.
CREATE TABLE import_batches (
    id          TEXT PRIMARY KEY,
    commune_id  TEXT NOT NULL REFERENCES communes (id),
    user_id     TEXT REFERENCES users (id),
    filename    TEXT NOT NULL,
    cells_json  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

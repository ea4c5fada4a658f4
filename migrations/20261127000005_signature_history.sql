-- Every signature product a commune has had, and who chose it: `commune_signature_products`
-- keeps the one in force (one per commune, enforced by its primary key), this keeps the past.
CREATE TABLE commune_signature_history (
    id          TEXT PRIMARY KEY,
    commune_id  TEXT NOT NULL REFERENCES communes (id),
    product_id  TEXT NOT NULL REFERENCES products (id),
    set_by      TEXT REFERENCES users (id),
    set_at      TEXT NOT NULL,
    -- When another product replaced it; NULL while it is the signature product.
    ended_at    TEXT
);
CREATE INDEX commune_signature_history_commune ON commune_signature_history (commune_id, set_at);

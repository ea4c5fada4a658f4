-- Buyer reviews (#27): the buyer of a delivered order reviews each of its lines once (stars,
-- text, up to three photos); the producer may reply once; an officer of the producer's commune
-- or an administrator hides a review with a reason (kept here and in the audit log). The
-- author's name is read from `users` at read time, never copied.
CREATE TABLE reviews (
    id             TEXT PRIMARY KEY,
    -- One review per order line: the constraint that makes a second submit (or two at once)
    -- find the first.
    order_line_id  TEXT NOT NULL UNIQUE REFERENCES order_lines (id),
    order_id       TEXT NOT NULL REFERENCES orders (id),
    product_id     TEXT NOT NULL REFERENCES products (id),
    user_id        TEXT REFERENCES users (id),
    stars          INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    body           TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'hidden')),
    hidden_reason  TEXT,
    hidden_by      TEXT REFERENCES users (id),
    hidden_at      TEXT,
    reply          TEXT,
    replied_by     TEXT REFERENCES users (id),
    replied_at     TEXT,
    created_at     TEXT NOT NULL,
    CHECK (status <> 'hidden' OR (hidden_reason IS NOT NULL AND hidden_reason <> '' AND hidden_at IS NOT NULL)),
    CHECK ((reply IS NULL) = (replied_at IS NULL))
);
CREATE INDEX reviews_product ON reviews (product_id, status, created_at);
CREATE INDEX reviews_user ON reviews (user_id);

-- A review's photos (through the photo pipeline), in the order they were sent; three at most.
CREATE TABLE review_photos (
    review_id  TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    photo_id   TEXT NOT NULL REFERENCES photos (id),
    position   INTEGER NOT NULL CHECK (position BETWEEN 0 AND 2),
    PRIMARY KEY (review_id, photo_id),
    UNIQUE (review_id, position)
);

-- Returns and complaints (#27). A buyer asks for a return or refund of a delivered order within
-- the window (site settings `returns_window_fresh_days`, `returns_window_other_days`); the
-- producer answers by `due_at` (`returns_answer_days`); a refused or unanswered request goes
-- to the commune officer, then to the marketplace. Each step is also a line of the order's
-- history (`order_status_history.note` = `return:<status>`).

-- Fresh produce (fruit, meat) has the shorter window.
ALTER TABLE products ADD COLUMN fresh INTEGER NOT NULL DEFAULT 0 CHECK (fresh IN (0, 1));
UPDATE products SET fresh = 1 WHERE slug IN ('nhan-long-hung-yen', 'nhan-long-khoai-chau',
    'ga-dong-tao', 'ga-dong-tao-lam-sach', 'chan-ga-dong-tao');

CREATE TABLE return_requests (
    id           TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES orders (id),
    -- The buyer who asked (NULL: a guest order).
    user_id      TEXT REFERENCES users (id),
    wanted       TEXT NOT NULL CHECK (wanted IN ('refund', 'return', 'replacement')),
    reason       TEXT NOT NULL CHECK (reason <> ''),
    -- Which goods, in the buyer's words (empty: the whole order).
    items        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'accepted',
                     'refused', 'with_officer', 'officer_upheld', 'officer_rejected',
                     'with_marketplace', 'marketplace_upheld', 'marketplace_rejected')),
    resolution   TEXT CHECK (resolution IS NULL OR resolution IN ('refund', 'replacement')),
    -- The last answer's reason (a refusal, a rejection).
    answer       TEXT,
    -- When whoever must act now (producer, officer, marketplace) should have answered.
    due_at       TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
-- One request per order.
CREATE UNIQUE INDEX return_requests_order ON return_requests (order_id);
CREATE INDEX return_requests_status ON return_requests (status, due_at);

-- The buyer's photos of the goods (at most 3, counted by the upload).
CREATE TABLE return_request_photos (
    request_id  TEXT NOT NULL REFERENCES return_requests (id),
    photo_id    TEXT NOT NULL REFERENCES photos (id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (request_id, photo_id)
);

-- A complaint about anything else, filed by anyone; `code` is its tracking number and the key
-- to read its status.
CREATE TABLE complaints (
    id           TEXT PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE CHECK (code <> ''),
    -- The complainant when signed in.
    user_id      TEXT REFERENCES users (id),
    name         TEXT NOT NULL CHECK (name <> ''),
    contact      TEXT NOT NULL CHECK (contact <> ''),
    order_no     TEXT,
    category     TEXT NOT NULL CHECK (category IN ('product', 'delivery', 'payment', 'seller',
                     'website', 'other')),
    message      TEXT NOT NULL CHECK (message <> ''),
    status       TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'in_progress',
                     'resolved', 'rejected')),
    answer       TEXT,
    answered_by  TEXT REFERENCES users (id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (status NOT IN ('resolved', 'rejected') OR answer IS NOT NULL)
);
CREATE INDEX complaints_status ON complaints (status, created_at);
CREATE INDEX complaints_user ON complaints (user_id);

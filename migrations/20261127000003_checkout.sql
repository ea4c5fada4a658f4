-- Checkout and payments: what each producer charges for delivery, where bank transfers go,
-- guests' access to their orders, and the card payment that covers one checkout.

-- Delivery fee per producer: a flat fee, or a base plus a price per started kilogram.
ALTER TABLE producers ADD COLUMN shipping_mode TEXT NOT NULL DEFAULT 'flat'
    CHECK (shipping_mode IN ('flat', 'weight'));
ALTER TABLE producers ADD COLUMN shipping_base_vnd BIGINT NOT NULL DEFAULT 30000
    CHECK (shipping_base_vnd >= 0);
ALTER TABLE producers ADD COLUMN shipping_per_kg_vnd BIGINT NOT NULL DEFAULT 0
    CHECK (shipping_per_kg_vnd >= 0);

-- A producer's own account for VietQR transfers (NAPAS bank BIN, account number, holder).
-- Without one, transfers go to the marketplace's account in site_settings.
ALTER TABLE producers ADD COLUMN bank_bin TEXT CHECK (bank_bin IS NULL OR length(bank_bin) = 6);
ALTER TABLE producers ADD COLUMN bank_account_no TEXT;
ALTER TABLE producers ADD COLUMN bank_account_name TEXT;

-- Province-wide settings an administrator edits (bank account for transfers, ...).
CREATE TABLE site_settings (
    key         TEXT PRIMARY KEY CHECK (key <> ''),
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- The money of one checkout: what the buyer was asked to pay in total.
ALTER TABLE checkouts ADD COLUMN total_vnd BIGINT NOT NULL DEFAULT 0 CHECK (total_vnd >= 0);

-- Browsers without an account that may open a checkout's orders: the one that placed it, and
-- any that proved the order number and phone. Only the SHA-256 of the browser token is kept.
CREATE TABLE guest_order_access (
    token_hash   TEXT NOT NULL CHECK (length(token_hash) = 64),
    checkout_id  TEXT NOT NULL REFERENCES checkouts (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (token_hash, checkout_id)
);

-- One card payment (a Stripe Checkout Session) covers every order of a checkout.
CREATE TABLE card_payments (
    id               TEXT PRIMARY KEY,
    checkout_id      TEXT NOT NULL UNIQUE REFERENCES checkouts (id),
    amount_vnd       BIGINT NOT NULL CHECK (amount_vnd > 0),
    status           TEXT NOT NULL DEFAULT 'creating'
                     CHECK (status IN ('creating', 'open', 'paid', 'failed', 'expired')),
    session_id       TEXT UNIQUE,
    session_url      TEXT,
    payment_intent   TEXT UNIQUE,
    pay_by           TEXT NOT NULL,
    paid_at          TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK (status <> 'paid' OR (paid_at IS NOT NULL AND payment_intent IS NOT NULL))
);

-- A refund of one order's share of a card payment (the provider's refund id).
-- (SQLite cannot add a UNIQUE column; a unique index does the same on both engines.)
ALTER TABLE payments ADD COLUMN refund_ref TEXT;
CREATE UNIQUE INDEX payments_refund_ref ON payments (refund_ref);

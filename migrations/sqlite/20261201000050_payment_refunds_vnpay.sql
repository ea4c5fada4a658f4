-- Payments may be `refunding` (a paid order ended undelivered; the money is on its way back) and
-- paid through VNPay (#23). SQLite cannot alter a CHECK constraint, so `checkouts`, `orders` and
-- `payments` are rebuilt as https://www.sqlite.org/lang_altertable.html prescribes, exactly as
-- 20261201000011_orders_returned.sql does (read it for why the transaction is ended and foreign
-- keys switched off); migrations/postgres/ holds PostgreSQL's version of this migration.
--
-- The column lists are the tables as the shared migrations before this one leave them (up to
-- 20261201000040). A shared migration that changes one of these tables must have a later
-- version than this one (`migrations::both_engines_have_the_same_columns` catches it).
COMMIT;
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE checkouts_new (
    id                TEXT PRIMARY KEY,
    idempotency_key   TEXT NOT NULL UNIQUE CHECK (idempotency_key <> ''),
    buyer_user_id     TEXT REFERENCES users (id),
    contact_name      TEXT NOT NULL CHECK (contact_name <> ''),
    contact_phone     TEXT NOT NULL CHECK (contact_phone LIKE '+84%'),
    street            TEXT NOT NULL CHECK (street <> ''),
    commune_name      TEXT NOT NULL CHECK (commune_name <> ''),
    province_name     TEXT NOT NULL CHECK (province_name <> ''),
    commune_id        TEXT REFERENCES communes (id),
    payment_method    TEXT NOT NULL CHECK (payment_method IN ('cod', 'bank_transfer', 'card', 'vnpay')),
    created_at        TEXT NOT NULL,
    total_vnd         BIGINT NOT NULL DEFAULT 0 CHECK (total_vnd >= 0),
    province_code     TEXT REFERENCES admin_provinces (code),
    commune_code      TEXT REFERENCES admin_communes (code),
    locale            TEXT NOT NULL DEFAULT 'vi' CHECK (locale IN ('vi', 'en'))
);
INSERT INTO checkouts_new (id, idempotency_key, buyer_user_id, contact_name, contact_phone, street,
        commune_name, province_name, commune_id, payment_method, created_at, total_vnd,
        province_code, commune_code, locale)
    SELECT id, idempotency_key, buyer_user_id, contact_name, contact_phone, street,
        commune_name, province_name, commune_id, payment_method, created_at, total_vnd,
        province_code, commune_code, locale
    FROM checkouts;
DROP TABLE checkouts;
ALTER TABLE checkouts_new RENAME TO checkouts;

CREATE TABLE orders_new (
    id               TEXT PRIMARY KEY,
    order_no         TEXT NOT NULL UNIQUE CHECK (order_no <> ''),
    checkout_id      TEXT NOT NULL REFERENCES checkouts (id),
    producer_id      TEXT NOT NULL REFERENCES producers (id),
    buyer_user_id    TEXT REFERENCES users (id),
    status           TEXT NOT NULL DEFAULT 'placed' CHECK (status IN (
                         'placed', 'confirmed', 'shipped', 'delivered', 'cancelled', 'refunded',
                         'returned')),
    payment_method   TEXT NOT NULL CHECK (payment_method IN ('cod', 'bank_transfer', 'card', 'vnpay')),
    subtotal_vnd     BIGINT NOT NULL CHECK (subtotal_vnd >= 0),
    shipping_vnd     BIGINT NOT NULL CHECK (shipping_vnd >= 0),
    total_vnd        BIGINT NOT NULL CHECK (total_vnd >= 0),
    carrier          TEXT,
    tracking_no      TEXT,
    cancel_reason    TEXT,
    -- Unpaid transfer/card orders release their stock after this instant.
    pay_by           TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    shipping_zone    TEXT
        CHECK (shipping_zone IS NULL OR shipping_zone IN ('same_province', 'neighbouring', 'country')),
    waybill_at       TEXT,
    carrier_fee_vnd  BIGINT CHECK (carrier_fee_vnd IS NULL OR carrier_fee_vnd >= 0),
    cod_amount_vnd   BIGINT CHECK (cod_amount_vnd IS NULL OR cod_amount_vnd >= 0),
    cod_collected_vnd BIGINT CHECK (cod_collected_vnd IS NULL OR cod_collected_vnd >= 0),
    carrier_event_at TEXT,
    shipping_source  TEXT NOT NULL DEFAULT 'table'
        CHECK (shipping_source IN ('table', 'free', 'ghn', 'ghtk')),
    CHECK (total_vnd = subtotal_vnd + shipping_vnd),
    CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL),
    UNIQUE (checkout_id, producer_id)
);

INSERT INTO orders_new (id, order_no, checkout_id, producer_id, buyer_user_id, status,
        payment_method, subtotal_vnd, shipping_vnd, total_vnd, carrier, tracking_no,
        cancel_reason, pay_by, created_at, updated_at, shipping_zone, waybill_at,
        carrier_fee_vnd, cod_amount_vnd, cod_collected_vnd, carrier_event_at, shipping_source)
    SELECT id, order_no, checkout_id, producer_id, buyer_user_id, status,
        payment_method, subtotal_vnd, shipping_vnd, total_vnd, carrier, tracking_no,
        cancel_reason, pay_by, created_at, updated_at, shipping_zone, waybill_at,
        carrier_fee_vnd, cod_amount_vnd, cod_collected_vnd, carrier_event_at, shipping_source
    FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE INDEX orders_producer ON orders (producer_id, created_at);
CREATE INDEX orders_buyer ON orders (buyer_user_id, created_at);
CREATE INDEX orders_pay_by ON orders (pay_by);
CREATE INDEX orders_waybill ON orders (producer_id, carrier, tracking_no);

CREATE TABLE payments_new (
    id                TEXT PRIMARY KEY,
    order_id          TEXT NOT NULL REFERENCES orders (id),
    method            TEXT NOT NULL CHECK (method IN ('cod', 'bank_transfer', 'card', 'vnpay')),
    status            TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'paid', 'failed', 'refunded', 'expired', 'refunding')),
    amount_vnd        BIGINT NOT NULL CHECK (amount_vnd >= 0),
    currency          TEXT NOT NULL DEFAULT 'VND' CHECK (currency = 'VND'),
    provider_ref      TEXT UNIQUE,
    idempotency_key   TEXT UNIQUE,
    paid_at           TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    refund_ref        TEXT,
    -- A refund that failed is tried again later: how often it was tried, why the last try
    -- failed, and when the next one is due (NULL: at the next pass).
    refund_attempts   BIGINT NOT NULL DEFAULT 0 CHECK (refund_attempts >= 0),
    refund_error      TEXT,
    refund_next_try_at TEXT,
    CHECK (status <> 'paid' OR paid_at IS NOT NULL)
);
INSERT INTO payments_new (id, order_id, method, status, amount_vnd, currency, provider_ref,
        idempotency_key, paid_at, created_at, updated_at, refund_ref)
    SELECT id, order_id, method, status, amount_vnd, currency, provider_ref,
        idempotency_key, paid_at, created_at, updated_at, refund_ref
    FROM payments;
DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;
CREATE INDEX payments_order ON payments (order_id);
CREATE UNIQUE INDEX payments_refund_ref ON payments (refund_ref);
CREATE INDEX payments_refunding ON payments (status, refund_next_try_at);

-- Every table naming these three now reaches the new ones; a broken reference fails the
-- migration (the CHECK refuses a count other than 0).
CREATE TEMP TABLE payments_rebuild_check (broken BIGINT NOT NULL CHECK (broken = 0));
INSERT INTO payments_rebuild_check SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE payments_rebuild_check;

COMMIT;
PRAGMA foreign_keys = ON;
BEGIN;

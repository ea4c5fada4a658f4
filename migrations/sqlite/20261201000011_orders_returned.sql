-- An order may end `returned`: the carrier brought the parcel back (#21). SQLite cannot alter a
-- CHECK constraint, so `orders` is rebuilt as https://www.sqlite.org/lang_altertable.html
-- ("Making Other Kinds Of Table Schema Changes") prescribes; migrations/postgres/ holds
-- PostgreSQL's version of this migration.
--
-- Foreign keys must be OFF while `orders` is dropped: with them ON, DROP TABLE deletes every
-- row first and ON DELETE CASCADE would take order_lines and order_status_history with it (and
-- payments would refuse). PRAGMA foreign_keys does nothing inside a transaction, and sqlx
-- (0.8.6) runs every SQLite migration inside one, ignoring `-- no-transaction`: so this script
-- ends that transaction, switches the checks off, does the rebuild in a transaction of its
-- own, checks every reference, switches them back on and opens a transaction again for sqlx
-- to record the migration in. If any step fails, the rebuild's transaction is rolled back and
-- the migration is not recorded: the next start tries again from the old table.
--
-- The column list is the table as the shared migrations before this one leave it (up to
-- 20261201000010_order_waybills). A shared migration that changes `orders` must have a later
-- version than this one, or this rebuild would drop its change on a new SQLite database
-- (`migrations::both_engines_have_the_same_columns` fails when that happens).
COMMIT;
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE orders_new (
    id               TEXT PRIMARY KEY,
    order_no         TEXT NOT NULL UNIQUE CHECK (order_no <> ''),
    checkout_id      TEXT NOT NULL REFERENCES checkouts (id),
    producer_id      TEXT NOT NULL REFERENCES producers (id),
    buyer_user_id    TEXT REFERENCES users (id),
    status           TEXT NOT NULL DEFAULT 'placed' CHECK (status IN (
                         'placed', 'confirmed', 'shipped', 'delivered', 'cancelled', 'refunded',
                         'returned')),
    payment_method   TEXT NOT NULL CHECK (payment_method IN ('cod', 'bank_transfer', 'card')),
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
    CHECK (total_vnd = subtotal_vnd + shipping_vnd),
    CHECK (status <> 'cancelled' OR cancel_reason IS NOT NULL),
    UNIQUE (checkout_id, producer_id)
);

INSERT INTO orders_new (id, order_no, checkout_id, producer_id, buyer_user_id, status,
        payment_method, subtotal_vnd, shipping_vnd, total_vnd, carrier, tracking_no,
        cancel_reason, pay_by, created_at, updated_at, shipping_zone, waybill_at,
        carrier_fee_vnd, cod_amount_vnd, cod_collected_vnd, carrier_event_at)
    SELECT id, order_no, checkout_id, producer_id, buyer_user_id, status,
        payment_method, subtotal_vnd, shipping_vnd, total_vnd, carrier, tracking_no,
        cancel_reason, pay_by, created_at, updated_at, shipping_zone, waybill_at,
        carrier_fee_vnd, cod_amount_vnd, cod_collected_vnd, carrier_event_at
    FROM orders;

DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;

-- Every index of the old table (they went with it).
CREATE INDEX orders_producer ON orders (producer_id, created_at);
CREATE INDEX orders_buyer ON orders (buyer_user_id, created_at);
CREATE INDEX orders_pay_by ON orders (pay_by);
CREATE INDEX orders_waybill ON orders (producer_id, carrier, tracking_no);

-- order_lines, order_status_history and payments name `orders` and now reach the new table;
-- a broken reference fails the migration (the CHECK refuses a count other than 0).
CREATE TEMP TABLE orders_rebuild_check (broken BIGINT NOT NULL CHECK (broken = 0));
INSERT INTO orders_rebuild_check SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE orders_rebuild_check;

COMMIT;
PRAGMA foreign_keys = ON;
BEGIN;

-- An order may end `returned`: the carrier brought the parcel back (#21). PostgreSQL alters the
-- status CHECK in place (the column constraint's generated name is `orders_status_check`).
-- SQLite cannot alter a CHECK: migrations/sqlite/ holds its version of this migration.
ALTER TABLE orders DROP CONSTRAINT orders_status_check,
    ADD CONSTRAINT orders_status_check CHECK (status IN (
        'placed', 'confirmed', 'shipped', 'delivered', 'cancelled', 'refunded', 'returned'));

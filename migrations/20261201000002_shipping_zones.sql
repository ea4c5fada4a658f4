-- Delivery by zone and weight. A producer's own table: for its own province, the neighbouring
-- provinces and the rest of the country, a fee for the first 500 g and for each further started
-- 500 g, and an optional order value above which delivery is free. A producer without a row
-- charges its former fee (producers.shipping_*) the same in every zone: today's flat fee is the
-- default table.
CREATE TABLE producer_shipping (
    producer_id          TEXT PRIMARY KEY REFERENCES producers (id) ON DELETE CASCADE,
    same_first_vnd       BIGINT NOT NULL CHECK (same_first_vnd >= 0),
    same_next_vnd        BIGINT NOT NULL CHECK (same_next_vnd >= 0),
    near_first_vnd       BIGINT NOT NULL CHECK (near_first_vnd >= 0),
    near_next_vnd        BIGINT NOT NULL CHECK (near_next_vnd >= 0),
    far_first_vnd        BIGINT NOT NULL CHECK (far_first_vnd >= 0),
    far_next_vnd         BIGINT NOT NULL CHECK (far_next_vnd >= 0),
    free_over_vnd        BIGINT CHECK (free_over_vnd IS NULL OR free_over_vnd > 0),
    updated_at           TEXT NOT NULL
);

-- How far a listing may be delivered: fresh goods only to the same or neighbouring provinces.
ALTER TABLE products ADD COLUMN delivery_reach TEXT NOT NULL DEFAULT 'country'
    CHECK (delivery_reach IN ('province', 'neighbours', 'country'));

-- The zone an order's delivery fee was computed for.
ALTER TABLE orders ADD COLUMN shipping_zone TEXT
    CHECK (shipping_zone IS NULL OR shipping_zone IN ('same_province', 'neighbouring', 'country'));

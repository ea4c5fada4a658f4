-- A producer's carrier accounts (GHN, GHTK): its own credentials (GHN also needs the shop id),
-- the pick-up address the carrier collects from (national codes, street), whether it is used,
-- and the secret the carrier's callback URL carries (each carrier's callbacks are verified by
-- a shared secret in the URL registered with it). Tokens are never shown back in full.
CREATE TABLE producer_carriers (
    producer_id         TEXT NOT NULL REFERENCES producers (id) ON DELETE CASCADE,
    carrier             TEXT NOT NULL CHECK (carrier IN ('ghn', 'ghtk')),
    token               TEXT NOT NULL CHECK (token <> ''),
    shop_id             BIGINT CHECK (shop_id IS NULL OR shop_id > 0),
    pick_name           TEXT NOT NULL CHECK (pick_name <> ''),
    pick_phone          TEXT NOT NULL CHECK (pick_phone <> ''),
    pick_province_code  TEXT NOT NULL REFERENCES admin_provinces (code),
    pick_commune_code   TEXT NOT NULL REFERENCES admin_communes (code),
    pick_street         TEXT NOT NULL CHECK (pick_street <> ''),
    enabled             INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    callback_secret     TEXT NOT NULL UNIQUE CHECK (length(callback_secret) >= 32),
    updated_at          TEXT NOT NULL,
    PRIMARY KEY (producer_id, carrier),
    CHECK (carrier <> 'ghn' OR shop_id IS NOT NULL)
);

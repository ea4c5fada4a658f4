-- The national two-tier list of administrative units in force since 1 July 2025 (34 provinces and
-- cities; 3,321 communes, wards and special zones), with the General Statistics Office's codes.
-- It is where goods can be delivered. `ocop migrate` loads it from migrations/data/vn-admin-units.csv
-- after the schema, idempotently (see app/src/address/storage.rs).
--
-- One rule: this list is the country; the marketplace's own `provinces` and `communes` (with
-- stories, officers and producers) are the places we sell from, and each points at its unit here
-- by `unit_code`. A later merger marks a unit `merged` with the unit it went into, so old codes
-- are refused by name instead of silently accepted.
CREATE TABLE admin_provinces (
    code         TEXT PRIMARY KEY CHECK (length(code) = 2),
    name         TEXT NOT NULL CHECK (name <> ''),
    kind         TEXT NOT NULL CHECK (kind IN ('tinh', 'thanh_pho')),
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged')),
    merged_into  TEXT REFERENCES admin_provinces (code),
    CHECK ((status = 'merged') = (merged_into IS NOT NULL))
);

CREATE TABLE admin_communes (
    code           TEXT PRIMARY KEY CHECK (length(code) = 5),
    province_code  TEXT NOT NULL REFERENCES admin_provinces (code),
    name           TEXT NOT NULL CHECK (name <> ''),
    kind           TEXT NOT NULL CHECK (kind IN ('xa', 'phuong', 'dac_khu')),
    -- Folded words the address picker matches: the name, its province, the former names the
    -- marketplace knows for it ("dong tao hoan long …").
    search_key     TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged')),
    merged_into    TEXT REFERENCES admin_communes (code),
    CHECK ((status = 'merged') = (merged_into IS NOT NULL))
);
CREATE INDEX admin_communes_province ON admin_communes (province_code, name);

-- Which version of each reference list is loaded (the file's SHA-256), so loading is skipped
-- when nothing changed and redone when the file does.
CREATE TABLE reference_data (
    name       TEXT PRIMARY KEY,
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    rows       BIGINT NOT NULL CHECK (rows >= 0),
    loaded_at  TEXT NOT NULL
);

ALTER TABLE provinces ADD COLUMN unit_code TEXT REFERENCES admin_provinces (code);
ALTER TABLE communes ADD COLUMN unit_code TEXT REFERENCES admin_communes (code);

-- A delivery address is the national codes plus, in `province_name`/`commune_name`, the names as
-- they were when the order was placed. `commune_id` (a marketplace commune) stays for older rows.
ALTER TABLE checkouts ADD COLUMN province_code TEXT REFERENCES admin_provinces (code);
ALTER TABLE checkouts ADD COLUMN commune_code TEXT REFERENCES admin_communes (code);

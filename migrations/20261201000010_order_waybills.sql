-- Orders sent through a carrier's account (#21). `carrier` and `tracking_no` already hold the
-- carrier and its waybill number; a waybill this marketplace created also has `waybill_at`
-- (a carrier name typed by hand on the manual "shipped" form never matches a callback).
ALTER TABLE orders ADD COLUMN waybill_at TEXT;
-- What the carrier charges the producer for the waybill (dong), as it answered.
ALTER TABLE orders ADD COLUMN carrier_fee_vnd BIGINT CHECK (carrier_fee_vnd IS NULL OR carrier_fee_vnd >= 0);
-- What the carrier is to collect at the door (dong): the order's total for cash on delivery,
-- 0 for a paid order.
ALTER TABLE orders ADD COLUMN cod_amount_vnd BIGINT CHECK (cod_amount_vnd IS NULL OR cod_amount_vnd >= 0);
-- What the carrier reports it collected, from its "delivered" callback.
ALTER TABLE orders ADD COLUMN cod_collected_vnd BIGINT CHECK (cod_collected_vnd IS NULL OR cod_collected_vnd >= 0);
-- The time of the newest carrier event recorded: an older one arriving late changes nothing.
ALTER TABLE orders ADD COLUMN carrier_event_at TEXT;
-- Callbacks find their order by the producer's waybill.
CREATE INDEX orders_waybill ON orders (producer_id, carrier, tracking_no);

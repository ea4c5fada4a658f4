-- Payments may be `refunding` (a paid order ended undelivered; the money is on its way back) and
-- paid through VNPay (#23). PostgreSQL alters the CHECKs in place (column constraints carry the
-- generated names `<table>_<column>_check`); migrations/sqlite/ holds SQLite's version.
ALTER TABLE payments DROP CONSTRAINT payments_status_check,
    ADD CONSTRAINT payments_status_check CHECK (status IN (
        'pending', 'paid', 'failed', 'refunded', 'expired', 'refunding')),
    DROP CONSTRAINT payments_method_check,
    ADD CONSTRAINT payments_method_check CHECK (method IN ('cod', 'bank_transfer', 'card', 'vnpay'));
ALTER TABLE orders DROP CONSTRAINT orders_payment_method_check,
    ADD CONSTRAINT orders_payment_method_check
        CHECK (payment_method IN ('cod', 'bank_transfer', 'card', 'vnpay'));
ALTER TABLE checkouts DROP CONSTRAINT checkouts_payment_method_check,
    ADD CONSTRAINT checkouts_payment_method_check
        CHECK (payment_method IN ('cod', 'bank_transfer', 'card', 'vnpay'));

-- A refund that failed is tried again later: how often it was tried, why the last try failed,
-- and when the next one is due (NULL: at the next pass).
ALTER TABLE payments ADD COLUMN refund_attempts BIGINT NOT NULL DEFAULT 0 CHECK (refund_attempts >= 0);
ALTER TABLE payments ADD COLUMN refund_error TEXT;
ALTER TABLE payments ADD COLUMN refund_next_try_at TEXT;
CREATE INDEX payments_refunding ON payments (status, refund_next_try_at);

-- Delivering notices beyond the inbox (#22). Each email/SMS/Zalo row carries the address it is
-- sent to, fixed when the notice is written (a contact changed later does not redirect an old
-- notice); a dispatcher claims a row with a lease, so two servers never send it at once and a
-- crashed one's claim runs out; 'skipped' is a notice for a channel this site has not set up.
-- SQLite cannot alter a CHECK: migrations/sqlite/ holds its version of this migration.
ALTER TABLE notifications ADD COLUMN address TEXT;
ALTER TABLE notifications ADD COLUMN lease_until TEXT;
ALTER TABLE notifications DROP CONSTRAINT notifications_status_check,
    ADD CONSTRAINT notifications_status_check
        CHECK (status IN ('pending', 'sent', 'failed', 'skipped'));
ALTER TABLE notifications ADD CONSTRAINT notifications_address_check
    CHECK (channel = 'inbox' OR (address IS NOT NULL AND address <> ''));

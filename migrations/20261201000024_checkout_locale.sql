-- The language the buyer checked out in (#22): a guest has no account to hold it, and the
-- notices about the order (an SMS when it ships) go out in it.
ALTER TABLE checkouts ADD COLUMN locale TEXT NOT NULL DEFAULT 'vi' CHECK (locale IN ('vi', 'en'));

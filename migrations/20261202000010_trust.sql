-- Trust and the law (#27): the seller's legal identity, people's consents, deleted accounts.

-- What a seller on a trading platform must tell buyers (Consumer Protection Law 2023, art. 37):
-- the name it is registered under and its registration number (enterprise code, cooperative or
-- household business certificate). Name, address, phone and tax code are already columns.
-- The commune officer checks them when approving the application; a later change clears it.
ALTER TABLE producers ADD COLUMN legal_name TEXT;
ALTER TABLE producers ADD COLUMN registration_no TEXT;
ALTER TABLE producers ADD COLUMN identity_checked_at TEXT;
ALTER TABLE producers ADD COLUMN identity_checked_by TEXT REFERENCES users (id);

-- A deleted account keeps its row (its orders, diary entries and audit rows point at it) with
-- the name and contacts replaced; this says when.
ALTER TABLE users ADD COLUMN deleted_at TEXT;

-- Each decision a person made about one purpose of processing, with the policy version they
-- were shown (Personal Data Protection Law 2025). Rows are only added: the newest row of a
-- purpose is the decision in force, the older ones are its history and the proof.
-- `basis` says whether the processing rests on the person's consent (they may refuse or
-- withdraw) or on the contract they entered (an account, an order).
CREATE TABLE consent_records (
    id              TEXT PRIMARY KEY,
    user_id         TEXT REFERENCES users (id),
    checkout_id     TEXT REFERENCES checkouts (id),
    purpose         TEXT NOT NULL CHECK (purpose IN ('account', 'order', 'marketing')),
    basis           TEXT NOT NULL CHECK (basis IN ('contract', 'consent')),
    granted         BIGINT NOT NULL CHECK (granted IN (0, 1)),
    policy_version  TEXT NOT NULL CHECK (policy_version <> ''),
    created_at      TEXT NOT NULL,
    CHECK (user_id IS NOT NULL OR checkout_id IS NOT NULL)
);
CREATE INDEX consent_records_user ON consent_records (user_id, purpose, created_at);
CREATE INDEX consent_records_checkout ON consent_records (checkout_id);

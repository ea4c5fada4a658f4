-- Bank transfers matched automatically, and the settlement ledger (#23).

-- Every incoming credit a bank-feed service reported, once per (provider, its id): a replayed
-- webhook finds its row and changes nothing. A credit that paid an order is `matched`; the
-- others wait in the queue (`unmatched`, with why) until someone matches it to an order by
-- hand or records that it was sent back (`refunded`, with the bank reference).
CREATE TABLE bank_credits (
    id              TEXT PRIMARY KEY,
    provider        TEXT NOT NULL CHECK (provider <> ''),
    provider_id     TEXT NOT NULL CHECK (provider_id <> ''),
    amount_vnd      BIGINT NOT NULL CHECK (amount_vnd > 0),
    description     TEXT NOT NULL,
    bank_ref        TEXT,
    account_no      TEXT,
    transacted_at   TEXT,
    -- The order its description names, when one does (also for a refused match).
    order_id        TEXT REFERENCES orders (id),
    producer_id     TEXT REFERENCES producers (id),
    status          TEXT NOT NULL CHECK (status IN ('matched', 'unmatched', 'matched_by_hand', 'refunded')),
    reason          TEXT CHECK (reason IN ('underpaid', 'overpaid', 'late', 'unknown_reference', 'already_paid')),
    resolved_by     TEXT REFERENCES users (id),
    refund_ref      TEXT,
    received_at     TEXT NOT NULL,
    resolved_at     TEXT,
    UNIQUE (provider, provider_id),
    CHECK (status <> 'unmatched' OR reason IS NOT NULL),
    CHECK (status <> 'refunded' OR (refund_ref IS NOT NULL AND refund_ref <> '')),
    CHECK (status NOT IN ('matched', 'matched_by_hand') OR order_id IS NOT NULL)
);
CREATE INDEX bank_credits_queue ON bank_credits (status, producer_id, received_at);

-- The settlement ledger: each money event is one posting, whose lines sum to zero (checked by
-- the app before writing, see app::ledger::rules). `source` names the event (a payment id, a
-- credit id, a payout id), so the same event never posts twice.
CREATE TABLE ledger_postings (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('payment', 'direct_settlement', 'carrier_fee',
                      'marketplace_fee', 'tax_withheld', 'refund', 'payout', 'unmatched_credit',
                      'credit_matched', 'credit_refunded')),
    source        TEXT NOT NULL CHECK (source <> ''),
    producer_id   TEXT REFERENCES producers (id),
    order_id      TEXT REFERENCES orders (id),
    reference     TEXT,
    created_by    TEXT REFERENCES users (id),
    posted_at     TEXT NOT NULL,
    UNIQUE (kind, source)
);
CREATE INDEX ledger_postings_producer ON ledger_postings (producer_id, posted_at);
CREATE INDEX ledger_postings_order ON ledger_postings (order_id);

CREATE TABLE ledger_lines (
    id            TEXT PRIMARY KEY,
    posting_id    TEXT NOT NULL REFERENCES ledger_postings (id),
    account       TEXT NOT NULL CHECK (account IN ('buyer_cash_held', 'producer_payable',
                      'collected_by_producer', 'marketplace_fee_revenue', 'carrier_fees',
                      'tax_withheld_vat', 'tax_withheld_pit', 'unmatched_credits')),
    -- Debit positive, credit negative.
    amount_vnd    BIGINT NOT NULL CHECK (amount_vnd <> 0)
);
CREATE INDEX ledger_lines_posting ON ledger_lines (posting_id);

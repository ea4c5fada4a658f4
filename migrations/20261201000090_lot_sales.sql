-- Traceability to the buyer's door (#24): a variant's stock is fed by its lots on sale, and
-- checkout takes each line from the verified lots on sale, oldest harvest first.
-- Units of the lot's variant still for sale from this lot; NULL for lots never put on sale.
ALTER TABLE harvest_lots ADD COLUMN units_left BIGINT CHECK (units_left IS NULL OR units_left >= 0);
-- Which lots each order line was taken from: a line can be split across lots.
CREATE TABLE order_line_lots (
    order_line_id  TEXT NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    lot_id         TEXT NOT NULL REFERENCES harvest_lots (id),
    quantity       BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_line_id, lot_id)
);
CREATE INDEX order_line_lots_lot ON order_line_lots (lot_id);
-- A recall, once made, stays: the row is the record the authorities ask for. There is no
-- path that deletes it, and the lot's status cannot leave 'recalled'.
CREATE TABLE lot_recalls (
    lot_id           TEXT PRIMARY KEY REFERENCES harvest_lots (id),
    reason           TEXT NOT NULL CHECK (reason <> ''),
    recalled_by      TEXT NOT NULL REFERENCES users (id),
    -- Units that were still on sale and left the variant's stock at the recall.
    units_withdrawn  BIGINT NOT NULL DEFAULT 0 CHECK (units_withdrawn >= 0),
    recalled_at      TEXT NOT NULL
);

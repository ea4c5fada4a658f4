-- Who set an order's delivery fee (#21): the producer's carrier quoted it at checkout ('ghn',
-- 'ghtk'), or it came from the producer's own table ('table': an estimate, when no carrier is
-- set up or it did not answer in time), or the table made delivery free ('free'). Orders placed
-- before carriers were quoted all used the table.
ALTER TABLE orders ADD COLUMN shipping_source TEXT NOT NULL DEFAULT 'table'
    CHECK (shipping_source IN ('table', 'free', 'ghn', 'ghtk'));

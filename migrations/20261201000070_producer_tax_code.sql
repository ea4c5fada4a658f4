-- A producer's tax code (mã số thuế: 10 digits, or 10-3 for a branch), printed on its
-- receipts when it has one. Households selling under a personal ID leave it empty.
ALTER TABLE producers ADD COLUMN tax_code TEXT;

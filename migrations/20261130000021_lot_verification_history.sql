-- An officer's stamp covers the season the officer checked. When the farmer later corrects
-- that season, the stamp is cleared (verified_by/verified_at become NULL, so the lot awaits
-- verification again) and what it was is kept here, to say on the lot page that it had been
-- verified and then corrected. The audit log keeps every stamp and every clearing.
ALTER TABLE harvest_lots ADD COLUMN cleared_verified_by TEXT REFERENCES users (id);
ALTER TABLE harvest_lots ADD COLUMN cleared_verified_at TEXT;
ALTER TABLE harvest_lots ADD COLUMN verification_cleared_at TEXT;

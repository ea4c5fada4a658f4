-- The plant-protection register (#24): how a spraying stood against the register when it was
-- written. Neither column is covered by the entry's hash: they record the check, not what the
-- farmer did (the interval itself, filled in or typed, is `phi_days`, which the hash covers).
-- Where `phi_days` came from: 'label' (typed) or 'register' (left blank and filled in from the
-- register for the plot's crop). NULL for entries that are not sprayings, or older ones.
ALTER TABLE cultivation_log_entries ADD COLUMN phi_source TEXT
    CHECK (phi_source IS NULL OR phi_source IN ('label', 'register'));
-- 'registered' (every ingredient is registered for the plot's crop), 'unregistered' (the
-- warning the officer sees) or 'crop_not_listed' (the register had no entries for the crop).
ALTER TABLE cultivation_log_entries ADD COLUMN register_status TEXT
    CHECK (register_status IS NULL
           OR register_status IN ('registered', 'unregistered', 'crop_not_listed'));
-- For 'unregistered': the ingredients not registered for the crop, as typed, joined by '; '.
ALTER TABLE cultivation_log_entries ADD COLUMN register_unlisted TEXT;

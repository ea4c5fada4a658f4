-- A commune's latest approved listings (related products, commune pages) come straight from the
-- index instead of a sort over every product of the commune.
DROP INDEX products_commune;
CREATE INDEX products_commune ON products (commune_id, status, approved_at);

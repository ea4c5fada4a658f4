-- A product's commune is its producer's (the officer who approved the producer moderates and
-- certifies its products). Listings moved onto another commune's page by an edit go back home;
-- a signature choice that no longer fits its commune is ended (its history row stays).
UPDATE products
   SET commune_id = (SELECT pr.commune_id FROM producers pr WHERE pr.id = products.producer_id)
 WHERE commune_id <> (SELECT pr.commune_id FROM producers pr WHERE pr.id = products.producer_id);

DELETE FROM commune_signature_products
 WHERE product_id IN (
        SELECT p.id FROM products p
         WHERE p.commune_id <> commune_signature_products.commune_id);

-- A recall is final (#24): a recalled lot's status never changes again, and its record in
-- lot_recalls is never changed or deleted. The application never tries (its lot status
-- machine refuses every change of a recalled lot); these refuse it to anyone writing SQL by
-- hand, so a recall cannot be undone quietly. SQLite's version is in migrations/sqlite/.
CREATE FUNCTION recall_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a recalled lot stays recalled';
END;
$$;

CREATE TRIGGER harvest_lots_recall_is_final
BEFORE UPDATE OF status ON harvest_lots
FOR EACH ROW WHEN (OLD.status = 'recalled' AND NEW.status <> 'recalled')
EXECUTE FUNCTION recall_is_final();

CREATE FUNCTION lot_recalls_are_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a recall is kept as it was recorded';
END;
$$;

CREATE TRIGGER lot_recalls_are_kept
BEFORE UPDATE OR DELETE ON lot_recalls
FOR EACH ROW EXECUTE FUNCTION lot_recalls_are_kept();

-- A recall is final (#24): a recalled lot's status never changes again, and its record in
-- lot_recalls is never changed or deleted. The application never tries (its lot status
-- machine refuses every change of a recalled lot); these refuse it to anyone writing SQL by
-- hand, so a recall cannot be undone quietly. PostgreSQL's version is in migrations/postgres/.
CREATE TRIGGER harvest_lots_recall_is_final
BEFORE UPDATE OF status ON harvest_lots
FOR EACH ROW WHEN OLD.status = 'recalled' AND NEW.status <> 'recalled'
BEGIN
    SELECT RAISE(ABORT, 'a recalled lot stays recalled');
END;

CREATE TRIGGER lot_recalls_no_update
BEFORE UPDATE ON lot_recalls
BEGIN
    SELECT RAISE(ABORT, 'a recall is kept as it was recorded');
END;

CREATE TRIGGER lot_recalls_no_delete
BEFORE DELETE ON lot_recalls
BEGIN
    SELECT RAISE(ABORT, 'a recall is kept as it was recorded');
END;

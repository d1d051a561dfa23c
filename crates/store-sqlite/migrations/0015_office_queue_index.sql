-- The back office's queue reads one index only. Its two partial indexes,
-- by receiving unit and by deciding agency, found the candidates, but each
-- candidate then cost a read of its table row (a dossier's row holds its
-- packed form, so those rows are big and scattered), and every candidate
-- was sorted before the first page could be cut: at a million dossiers,
-- an officer of five agencies waited 55 ms for a page, 700 ms on a cold
-- cache. This one index is in the queue's order (no deadline last) and
-- holds every column the queue filters by, for the open dossiers only: a
-- page walks it until it has its rows (0.5 ms at the same million) and
-- then reads those rows by id; the counts scan it without the table
-- (6 ms).
DROP INDEX dossiers_work_by_receiving_unit;
DROP INDEX dossiers_work_by_deciding_agency;
CREATE INDEX dossiers_office_queue ON dossiers(
    work_due_at IS NULL, work_due_at, id, receiving_unit, deciding_agency, stage, assignee
) WHERE in_office = 1;

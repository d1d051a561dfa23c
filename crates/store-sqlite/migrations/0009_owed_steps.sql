-- An agency asked for a step keeps the right to see the dossier, but the
-- dossier is its work only while the step is open: `owes` marks the rows
-- whose step is still unanswered, and the back office's queue (inbox,
-- counts, digest) takes only those. Kept by each event that opens, answers
-- or moves a step (src/dossiers.rs).
ALTER TABLE dossier_agencies ADD COLUMN owes INTEGER NOT NULL DEFAULT 0;

-- Which steps of a dossier are open is in its packed state, which SQL
-- cannot read: every agency of a dossier still waiting at other agencies
-- is taken to owe it. An agency of a parallel group that already answered
-- is listed again until the dossier's next step event corrects it.
UPDATE dossier_agencies SET owes = 1
WHERE dossier_id IN (SELECT id FROM dossiers WHERE stage = 'at-other-agency');

CREATE INDEX dossier_agencies_owed ON dossier_agencies (agency_id, dossier_id) WHERE owes = 1;

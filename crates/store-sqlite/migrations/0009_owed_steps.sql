-- An agency asked for a step keeps the right to see the dossier, but the
-- dossier is its work only while the step is open: `owes` marks the rows
-- whose step is still unanswered, and the back office's queue (inbox,
-- counts, digest) takes only those. Kept by each event that opens, answers
-- or moves a step, which finds the dossier's rows by the dossier: the key
-- now starts with it (by agency, only the owed rows are indexed — the
-- queue asks for nothing else).
CREATE TABLE dossier_agencies_keyed (
    dossier_id TEXT NOT NULL REFERENCES dossiers(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    owes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (dossier_id, agency_id)
) STRICT, WITHOUT ROWID;

-- Which steps of a dossier are open is in its packed state, which SQL
-- cannot read: every agency of a dossier still waiting at other agencies
-- is taken to owe it. An agency of a parallel group that already answered
-- is listed again until the dossier's next step event corrects it.
INSERT INTO dossier_agencies_keyed (dossier_id, agency_id, owes)
SELECT dossier_id, agency_id,
       dossier_id IN (SELECT id FROM dossiers WHERE stage = 'at-other-agency')
FROM dossier_agencies;

DROP TABLE dossier_agencies;
ALTER TABLE dossier_agencies_keyed RENAME TO dossier_agencies;

CREATE INDEX dossier_agencies_owed ON dossier_agencies (agency_id, dossier_id) WHERE owes = 1;

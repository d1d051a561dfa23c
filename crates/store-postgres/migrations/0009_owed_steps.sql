-- An agency asked for a step keeps the right to see the dossier, but the
-- dossier is its work only while the step is open: `owes` marks the rows
-- whose step is still unanswered, and the back office's queue (inbox,
-- counts, digest) takes only those. Kept by each event that opens, answers
-- or moves a step, which finds the dossier's rows by the dossier: the key
-- now starts with it (by agency, only the owed rows are indexed — the
-- queue asks for nothing else).
ALTER TABLE dossier_agencies ADD COLUMN owes boolean NOT NULL DEFAULT false;

-- Every agency whose step is open in the dossier's state owes it.
UPDATE dossier_agencies da SET owes = true
FROM dossiers d, agencies a
WHERE d.id = da.dossier_id AND a.id = da.agency_id
  AND d.stage = 'at-other-agency'
  AND EXISTS (
      SELECT 1 FROM jsonb_array_elements(COALESCE(d.state -> 'open_steps', '[]'::jsonb)) s
      WHERE s ->> 'agency' = a.identifier);

ALTER TABLE dossier_agencies DROP CONSTRAINT dossier_agencies_pkey;
ALTER TABLE dossier_agencies ADD PRIMARY KEY (dossier_id, agency_id);
CREATE INDEX dossier_agencies_owed ON dossier_agencies (agency_id, dossier_id) WHERE owes;

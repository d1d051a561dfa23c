-- The back office's queue: which dossiers still need the office, by the
-- next deadline the office must meet; who a dossier is assigned to; the
-- applicant's identity number for a search at the counter; and every agency
-- a dossier has been sent to for a step, which may see it from then on.
ALTER TABLE dossiers ADD COLUMN in_office boolean NOT NULL DEFAULT false;
ALTER TABLE dossiers ADD COLUMN work_due_at timestamptz;
ALTER TABLE dossiers ADD COLUMN assignee text COLLATE "C";
ALTER TABLE dossiers ADD COLUMN applicant_identity text COLLATE "C";

UPDATE dossiers SET in_office =
    stage NOT IN ('not-accepted', 'withdrawn', 'stopped', 'closed-missing-supplement', 'returned');
UPDATE dossiers SET work_due_at = CASE
    WHEN stage IN ('accepted', 'in-process', 'at-other-agency', 'awaiting-approval', 'result-ready') THEN due_at
    WHEN stage = 'awaiting-reception' THEN (state -> 'deadlines' ->> 'reception')::timestamptz
    WHEN stage = 'correcting-result' THEN (state -> 'deadlines' ->> 'correction')::timestamptz
    ELSE NULL END;
UPDATE dossiers SET applicant_identity = applicant ->> 'identity_number';
UPDATE dossiers SET assignee = state ->> 'assignee';

CREATE INDEX dossiers_work_by_receiving_unit ON dossiers (receiving_unit, work_due_at, id) WHERE in_office;
CREATE INDEX dossiers_work_by_deciding_agency ON dossiers (deciding_agency, work_due_at, id) WHERE in_office;
CREATE INDEX dossiers_by_identity ON dossiers (applicant_identity) WHERE applicant_identity IS NOT NULL;
CREATE INDEX dossiers_by_name ON dossiers (applicant_name_folded text_pattern_ops);

CREATE TABLE dossier_agencies (
    dossier_id uuid NOT NULL REFERENCES dossiers (id),
    agency_id uuid NOT NULL REFERENCES agencies (id),
    PRIMARY KEY (agency_id, dossier_id)
);

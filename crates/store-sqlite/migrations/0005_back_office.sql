-- The back office's queue: which dossiers still need the office, by the
-- next deadline the office must meet; who a dossier is assigned to; the
-- applicant's identity number for a search at the counter; and every agency
-- a dossier has been sent to for a step, which may see it from then on.
ALTER TABLE dossiers ADD COLUMN in_office INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN work_due_at INTEGER;
ALTER TABLE dossiers ADD COLUMN assignee TEXT;
ALTER TABLE dossiers ADD COLUMN applicant_identity TEXT;

UPDATE dossiers SET in_office = CASE
    WHEN stage IN ('not-accepted', 'withdrawn', 'stopped', 'closed-missing-supplement', 'returned') THEN 0
    ELSE 1 END;
-- The deadlines kept in the state document are RFC 3339 instants in UTC
-- (`2025-01-24T09:13:27.123456Z`); they are read back to the microsecond,
-- since `motcua verify` compares these columns with the replayed state.
UPDATE dossiers SET work_due_at = CASE
    WHEN stage IN ('accepted', 'in-process', 'at-other-agency', 'awaiting-approval', 'result-ready') THEN due_at
    WHEN stage = 'awaiting-reception' AND json_extract(state, '$.deadlines.reception') IS NOT NULL
        THEN CAST(strftime('%s', substr(json_extract(state, '$.deadlines.reception'), 1, 19)) AS INTEGER) * 1000000
            + CASE WHEN substr(json_extract(state, '$.deadlines.reception'), 20, 1) = '.'
                THEN CAST(substr(substr(json_extract(state, '$.deadlines.reception'), 21, length(json_extract(state, '$.deadlines.reception')) - 21) || '000000', 1, 6) AS INTEGER)
                ELSE 0 END
    WHEN stage = 'correcting-result' AND json_extract(state, '$.deadlines.correction') IS NOT NULL
        THEN CAST(strftime('%s', substr(json_extract(state, '$.deadlines.correction'), 1, 19)) AS INTEGER) * 1000000
            + CASE WHEN substr(json_extract(state, '$.deadlines.correction'), 20, 1) = '.'
                THEN CAST(substr(substr(json_extract(state, '$.deadlines.correction'), 21, length(json_extract(state, '$.deadlines.correction')) - 21) || '000000', 1, 6) AS INTEGER)
                ELSE 0 END
    ELSE NULL END;
UPDATE dossiers SET applicant_identity = json_extract(applicant, '$.identity_number');
UPDATE dossiers SET assignee = json_extract(state, '$.assignee');

CREATE INDEX dossiers_work_by_receiving_unit ON dossiers(receiving_unit, work_due_at, id) WHERE in_office = 1;
CREATE INDEX dossiers_work_by_deciding_agency ON dossiers(deciding_agency, work_due_at, id) WHERE in_office = 1;
CREATE INDEX dossiers_by_identity ON dossiers(applicant_identity) WHERE applicant_identity IS NOT NULL;
CREATE INDEX dossiers_by_name ON dossiers(applicant_name_folded);

CREATE TABLE dossier_agencies (
    dossier_id TEXT NOT NULL REFERENCES dossiers(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (agency_id, dossier_id)
) STRICT, WITHOUT ROWID;

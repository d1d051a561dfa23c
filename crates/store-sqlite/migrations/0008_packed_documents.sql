-- Packed documents (src/packed.rs): a dossier's state, applicant and form
-- become one document, and its timeline one document in its own table, so
-- that ten million dossiers fit one modest disk. New documents are
-- compressed with the trained dictionary; SQL cannot compress, so the ones
-- moved here stay plain JSON text, which the reader takes as it is.

CREATE TABLE dossier_timelines (
    dossier_id TEXT PRIMARY KEY REFERENCES dossiers(id),
    events BLOB NOT NULL
) STRICT, WITHOUT ROWID;

-- Each event as src/timelines.rs writes it. Its hash is not kept: it is
-- computed again on reading, and the last must equal dossiers.head_hash.
INSERT INTO dossier_timelines (dossier_id, events)
SELECT dossier_id, CAST(json_group_array(json_object(
        'seq', seq, 'at', at, 'actor', actor, 'role', role, 'action', action,
        'reason', reason, 'payload', json(payload))
    ORDER BY seq) AS BLOB)
FROM dossier_events GROUP BY dossier_id;

DROP TABLE dossier_events;

ALTER TABLE dossiers ADD COLUMN packed BLOB NOT NULL DEFAULT x'';
UPDATE dossiers SET packed = CAST(json_object(
    'applicant', json(applicant), 'form', json(form), 'state', json(state)) AS BLOB);
ALTER TABLE dossiers DROP COLUMN state;
ALTER TABLE dossiers DROP COLUMN applicant;
ALTER TABLE dossiers DROP COLUMN form;

-- Listing an agency's whole archive by stage was served by two indexes
-- that nothing used any more (the back office's queue has its own partial
-- indexes over open work, the archive is found by code, name or CCCD);
-- at ten million dossiers they were two gigabytes.
DROP INDEX dossiers_by_receiving_unit;
DROP INDEX dossiers_by_deciding_agency;
-- A citizen's own dossiers: only dossiers filed from an account are listed
-- by it, so only they are indexed.
DROP INDEX dossiers_by_applicant;
CREATE INDEX dossiers_by_applicant ON dossiers(applicant_user, id) WHERE applicant_user IS NOT NULL;

-- A digitised document's data, packed as well.
ALTER TABLE captured_documents ADD COLUMN packed BLOB NOT NULL DEFAULT x'';
UPDATE captured_documents SET packed = CAST(document AS BLOB);
ALTER TABLE captured_documents DROP COLUMN document;

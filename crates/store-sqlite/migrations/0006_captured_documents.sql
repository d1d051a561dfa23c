-- Documents digitised with their data (ND 118 Art. 19(2)), found again by
-- their holder's identity number so they are reused, not asked for twice.
-- Written with the event that captures each; the event stays the record.
CREATE TABLE captured_documents (
    dossier_id TEXT NOT NULL REFERENCES dossiers(id),
    event_seq INTEGER NOT NULL,
    holder_identity TEXT,
    captured_at INTEGER NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (dossier_id, event_seq)
) STRICT, WITHOUT ROWID;

CREATE INDEX captured_documents_by_holder ON captured_documents(holder_identity, captured_at)
    WHERE holder_identity IS NOT NULL;

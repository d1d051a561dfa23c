-- Documents digitised with their data (ND 118 Art. 19(2)), found again by
-- their holder's identity number so they are reused, not asked for twice.
-- Written with the event that captures each; the event stays the record.
CREATE TABLE captured_documents (
    dossier_id uuid NOT NULL REFERENCES dossiers (id),
    event_seq integer NOT NULL,
    holder_identity text COLLATE "C",
    captured_at timestamptz NOT NULL,
    document jsonb NOT NULL,
    PRIMARY KEY (dossier_id, event_seq)
);

CREATE INDEX captured_documents_by_holder ON captured_documents (holder_identity, captured_at)
    WHERE holder_identity IS NOT NULL;

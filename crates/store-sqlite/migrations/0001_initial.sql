-- motcua on SQLite: the whole schema, version 1.
-- Instants are INTEGER microseconds since 1970-01-01 UTC; ids are UUID text;
-- hashes are 32-byte BLOBs; structured values are JSON text. Folded columns
-- (no diacritics, lower case) are computed in Rust for search and sorting.

CREATE TABLE agencies (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES agencies(id),
    identifier TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    kind TEXT NOT NULL,
    office_hours TEXT NOT NULL,
    receives_any_procedure INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX agencies_by_parent ON agencies(parent_id, name_folded, name);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    full_name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    email TEXT UNIQUE,
    phone TEXT UNIQUE,
    identity_number TEXT UNIQUE,
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE role_grants (
    user_id TEXT NOT NULL REFERENCES users(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    role TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, agency_id, role)
) STRICT, WITHOUT ROWID;
CREATE INDEX role_grants_by_agency ON role_grants(agency_id, role);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
) STRICT;

CREATE TABLE procedure_versions (
    code TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    processing_time TEXT NOT NULL,
    spec TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (code, effective_from)
) STRICT, WITHOUT ROWID;

CREATE TABLE code_sequences (
    agency_identifier TEXT NOT NULL,
    day TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (agency_identifier, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE dossiers (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    procedure_code TEXT NOT NULL,
    procedure_version TEXT NOT NULL,
    receiving_unit TEXT NOT NULL REFERENCES agencies(id),
    deciding_agency TEXT NOT NULL REFERENCES agencies(id),
    applicant_user TEXT REFERENCES users(id),
    applicant TEXT NOT NULL,
    applicant_name_folded TEXT NOT NULL,
    delivery TEXT NOT NULL,
    pin_hash BLOB NOT NULL,
    stage TEXT NOT NULL,
    national_status INTEGER NOT NULL,
    channel TEXT NOT NULL,
    regime_decree TEXT NOT NULL,
    regime_circular TEXT NOT NULL,
    regime_evaluation TEXT NOT NULL,
    entered_at INTEGER NOT NULL,
    accepted_at INTEGER,
    due_at INTEGER,
    original_due_at INTEGER,
    paused_since INTEGER,
    rescheduled_at INTEGER,
    decided_at INTEGER,
    returned_at INTEGER,
    ended_at INTEGER,
    state TEXT NOT NULL,
    head_hash BLOB NOT NULL,
    event_count INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX dossiers_by_receiving_unit ON dossiers(receiving_unit, stage, id);
CREATE INDEX dossiers_by_deciding_agency ON dossiers(deciding_agency, stage, id);
CREATE INDEX dossiers_by_applicant ON dossiers(applicant_user, id);

CREATE TABLE dossier_events (
    dossier_id TEXT NOT NULL REFERENCES dossiers(id),
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor TEXT,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT,
    payload TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (dossier_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL REFERENCES dossiers(id),
    event_seq INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 BLOB NOT NULL,
    blob_key TEXT NOT NULL,
    added_by TEXT,
    added_at INTEGER NOT NULL
) STRICT;
CREATE INDEX attachments_by_dossier ON attachments(dossier_id, event_seq);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    run_at INTEGER NOT NULL,
    idempotency_key TEXT UNIQUE,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    state TEXT NOT NULL,
    lease_owner TEXT,
    lease_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
) STRICT;
CREATE INDEX jobs_due ON jobs(state, run_at, id);

CREATE TABLE holiday_breaks (
    holiday_year INTEGER NOT NULL,
    position INTEGER NOT NULL,
    entry TEXT NOT NULL,
    PRIMARY KEY (holiday_year, position)
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
) STRICT;

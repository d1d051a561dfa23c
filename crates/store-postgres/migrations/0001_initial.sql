-- motcua on PostgreSQL: the whole schema, version 1.
--
-- Ids are `uuid` (v7, made in Rust); instants are `timestamptz` (the store
-- truncates them to microseconds, which is what PostgreSQL keeps); days are
-- `date`; hashes are 32-byte `bytea`; structured values are `jsonb`.
--
-- Every text column is `COLLATE "C"`: it compares byte by byte, as SQLite
-- does, whatever the database's default collation (a linguistic one would
-- ignore spaces and punctuation at first level, or put `a` before `B`, and
-- return rows in another order than the embedded engine). Sorting for people
-- goes through the folded columns, computed in Rust with `domain::text`.
--
-- What a hash covers must read back exactly: an event's payload is `jsonb`
-- because it is decoded into the typed domain event and re-encoded
-- canonically before hashing; the audit log's details are arbitrary JSON, so
-- they are `json`, which keeps the text as written (`jsonb` would turn `-0.0`
-- into `0.0` and break the chain).

CREATE TABLE agencies (
    id uuid PRIMARY KEY,
    parent_id uuid REFERENCES agencies (id),
    identifier text COLLATE "C" NOT NULL UNIQUE,
    name text COLLATE "C" NOT NULL,
    name_folded text COLLATE "C" NOT NULL,
    kind text COLLATE "C" NOT NULL,
    office_hours jsonb NOT NULL,
    receives_any_procedure boolean NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX agencies_by_parent ON agencies (parent_id, name_folded, name);

CREATE TABLE users (
    id uuid PRIMARY KEY,
    kind text COLLATE "C" NOT NULL,
    full_name text COLLATE "C" NOT NULL,
    name_folded text COLLATE "C" NOT NULL,
    email text COLLATE "C" UNIQUE,
    phone text COLLATE "C" UNIQUE,
    identity_number text COLLATE "C" UNIQUE,
    password_hash text COLLATE "C",
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL
);

CREATE TABLE role_grants (
    user_id uuid NOT NULL REFERENCES users (id),
    agency_id uuid NOT NULL REFERENCES agencies (id),
    role text COLLATE "C" NOT NULL,
    granted_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, agency_id, role)
);
CREATE INDEX role_grants_by_agency ON role_grants (agency_id, role);

CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id),
    name text COLLATE "C" NOT NULL,
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

CREATE TABLE procedure_versions (
    code text COLLATE "C" NOT NULL,
    effective_from date NOT NULL,
    agency_id uuid NOT NULL REFERENCES agencies (id),
    name text COLLATE "C" NOT NULL,
    name_folded text COLLATE "C" NOT NULL,
    processing_time jsonb NOT NULL,
    spec jsonb NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (code, effective_from)
);

-- One counter per agency identifier and local day. A code is taken with
-- INSERT … ON CONFLICT DO UPDATE … RETURNING inside the dossier's
-- transaction: the row stays locked until that transaction ends, and a
-- rollback gives the number back, so codes are unique and without gaps
-- however many app nodes allocate them.
CREATE TABLE code_sequences (
    agency_identifier text COLLATE "C" NOT NULL,
    day date NOT NULL,
    last integer NOT NULL CHECK (last > 0),
    PRIMARY KEY (agency_identifier, day)
);

CREATE TABLE dossiers (
    id uuid PRIMARY KEY,
    code text COLLATE "C" NOT NULL UNIQUE,
    procedure_code text COLLATE "C" NOT NULL,
    procedure_version date NOT NULL,
    receiving_unit uuid NOT NULL REFERENCES agencies (id),
    deciding_agency uuid NOT NULL REFERENCES agencies (id),
    applicant_user uuid REFERENCES users (id),
    applicant jsonb NOT NULL,
    applicant_name_folded text COLLATE "C" NOT NULL,
    delivery text COLLATE "C" NOT NULL,
    pin_hash bytea NOT NULL CHECK (length(pin_hash) = 32),
    stage text COLLATE "C" NOT NULL,
    national_status smallint NOT NULL,
    channel text COLLATE "C" NOT NULL,
    regime_decree text COLLATE "C" NOT NULL,
    regime_circular text COLLATE "C" NOT NULL,
    regime_evaluation text COLLATE "C" NOT NULL,
    entered_at timestamptz NOT NULL,
    accepted_at timestamptz,
    due_at timestamptz,
    original_due_at timestamptz,
    paused_since timestamptz,
    rescheduled_at timestamptz,
    decided_at timestamptz,
    returned_at timestamptz,
    ended_at timestamptz,
    state jsonb NOT NULL,
    head_hash bytea NOT NULL CHECK (length(head_hash) = 32),
    event_count integer NOT NULL CHECK (event_count > 0),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX dossiers_by_receiving_unit ON dossiers (receiving_unit, stage, id);
CREATE INDEX dossiers_by_deciding_agency ON dossiers (deciding_agency, stage, id);
CREATE INDEX dossiers_by_applicant ON dossiers (applicant_user, id);

CREATE TABLE dossier_events (
    dossier_id uuid NOT NULL REFERENCES dossiers (id),
    seq integer NOT NULL,
    at timestamptz NOT NULL,
    actor uuid,
    role text COLLATE "C" NOT NULL,
    action text COLLATE "C" NOT NULL,
    reason text COLLATE "C",
    payload jsonb NOT NULL,
    prev_hash bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash bytea NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (dossier_id, seq)
);

CREATE TABLE attachments (
    id uuid PRIMARY KEY,
    dossier_id uuid NOT NULL REFERENCES dossiers (id),
    event_seq integer NOT NULL,
    file_name text COLLATE "C" NOT NULL,
    media_type text COLLATE "C" NOT NULL,
    size bigint NOT NULL CHECK (size >= 0),
    sha256 bytea NOT NULL CHECK (length(sha256) = 32),
    blob_key text COLLATE "C" NOT NULL,
    added_by uuid,
    added_at timestamptz NOT NULL
);
CREATE INDEX attachments_by_dossier ON attachments (dossier_id, event_seq);

CREATE TABLE jobs (
    id uuid PRIMARY KEY,
    kind text COLLATE "C" NOT NULL,
    payload jsonb NOT NULL,
    run_at timestamptz NOT NULL,
    idempotency_key text COLLATE "C" UNIQUE,
    attempts bigint NOT NULL,
    max_attempts bigint NOT NULL,
    state text COLLATE "C" NOT NULL CHECK (state IN ('pending', 'running', 'done', 'dead')),
    lease_owner text COLLATE "C",
    lease_until timestamptz,
    last_error text COLLATE "C",
    created_at timestamptz NOT NULL,
    finished_at timestamptz
);
-- What a claim scans: only the jobs still to run, in the order they are due.
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state IN ('pending', 'running');
CREATE INDEX jobs_dead ON jobs (run_at, id) WHERE state = 'dead';

CREATE TABLE holiday_breaks (
    holiday_year integer NOT NULL,
    position integer NOT NULL,
    entry jsonb NOT NULL,
    PRIMARY KEY (holiday_year, position)
);

-- Appends are serialised by a transaction-scoped advisory lock (see
-- src/audit.rs), so the chain has one writer at a time.
CREATE TABLE audit_log (
    seq bigint PRIMARY KEY CHECK (seq > 0),
    at timestamptz NOT NULL,
    actor uuid,
    action text COLLATE "C" NOT NULL,
    subject text COLLATE "C" NOT NULL,
    details json NOT NULL,
    prev_hash bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash bytea NOT NULL CHECK (length(hash) = 32)
);

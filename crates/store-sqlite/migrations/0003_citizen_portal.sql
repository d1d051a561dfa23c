-- What the citizen portal keeps: accounts that verify their e-mail, choose
-- their language and (for a business) name a legal representative; one-time
-- tokens sent by e-mail; application drafts; failure counters shared by every
-- app node; the form a dossier was filed with and the field each attachment
-- answers; satisfaction ratings. Conventions as in 0001: instants are INTEGER
-- microseconds, ids UUID text, hashes 32-byte BLOBs, structured values JSON
-- text, every text NFC (normalised in Rust).

ALTER TABLE users ADD COLUMN email_verified_at INTEGER;
ALTER TABLE users ADD COLUMN representative TEXT;
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'vi';

-- Only the token's SHA-256 is kept; a token is used once (used_at).
CREATE TABLE user_tokens (
    token_hash BLOB PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    purpose TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX user_tokens_by_user ON user_tokens(user_id, purpose);

-- A draft's id becomes its dossier's id on submission, and the draft stays
-- (unchanged from then on) with the tracking PIN in clear, so a repeated
-- submission shows the same PIN; the dossier keeps only the PIN's hash.
-- Inputs are the
-- values as typed, by input name (JSON object of strings); files are those
-- uploaded so far (JSON array).
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    procedure_code TEXT NOT NULL,
    inputs TEXT NOT NULL,
    files TEXT NOT NULL,
    delivery TEXT,
    pin TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX drafts_by_user ON drafts(user_id, updated_at, id);

-- One row per failure (a wrong password, a wrong tracking PIN) under a key
-- the app chooses; rows older than a week are pruned as new ones come.
CREATE TABLE failures (
    key TEXT NOT NULL,
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX failures_by_key ON failures(key, at);

-- The filled application form (domain::forms::FormValues as JSON), covered
-- by the entry event's hash; dossiers filed before forms were kept have none.
ALTER TABLE dossiers ADD COLUMN form TEXT NOT NULL DEFAULT '{}';

-- The form field an attachment answers, if any.
ALTER TABLE attachments ADD COLUMN field TEXT;

-- One rating per dossier, by its applicant (TT 32/2017 Art. 12).
CREATE TABLE ratings (
    dossier_id TEXT PRIMARY KEY REFERENCES dossiers(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    overall TEXT NOT NULL,
    convenience TEXT NOT NULL,
    timeliness TEXT NOT NULL,
    attitude TEXT NOT NULL,
    comment TEXT,
    rated_at INTEGER NOT NULL
) STRICT;

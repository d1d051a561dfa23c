-- What the citizen portal keeps: accounts that verify their e-mail, choose
-- their language and (for a business) name a legal representative; one-time
-- tokens sent by e-mail; application drafts; failure counters shared by every
-- app node; the form a dossier was filed with and the field each attachment
-- answers; satisfaction ratings. Conventions as in 0001: ids `uuid`, instants
-- `timestamptz` (truncated to microseconds in Rust), hashes 32-byte `bytea`,
-- structured values `jsonb`, text `COLLATE "C"` and NFC (normalised in Rust).

ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
ALTER TABLE users ADD COLUMN representative text COLLATE "C";
ALTER TABLE users ADD COLUMN language text COLLATE "C" NOT NULL DEFAULT 'vi';

-- Only the token's SHA-256 is kept; a token is used once (used_at), by an
-- UPDATE … WHERE used_at IS NULL that takes the row's lock, so two
-- concurrent uses cannot both succeed.
CREATE TABLE user_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id uuid NOT NULL REFERENCES users (id),
    purpose text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX user_tokens_by_user ON user_tokens (user_id, purpose);

-- A draft's id becomes its dossier's id on submission, and the draft stays
-- (unchanged from then on) with the tracking PIN in clear, so a repeated
-- submission shows the same PIN; the dossier keeps only the PIN's hash.
-- Inputs are the
-- values as typed, by input name (a JSON object of strings); files are those
-- uploaded so far (a JSON array).
CREATE TABLE drafts (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id),
    procedure_code text COLLATE "C" NOT NULL,
    inputs jsonb NOT NULL,
    files jsonb NOT NULL,
    delivery text COLLATE "C",
    pin text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX drafts_by_user ON drafts (user_id, updated_at, id);

-- One row per failure (a wrong password, a wrong tracking PIN) under a key
-- the app chooses; rows older than a week are pruned as new ones come.
CREATE TABLE failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key text COLLATE "C" NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX failures_by_key ON failures (key, at);

-- The filled application form (domain::forms::FormValues), covered by the
-- entry event's hash; dossiers filed before forms were kept have none.
-- `jsonb` is enough: the form is decoded into typed values and re-encoded
-- canonically before it is compared with what the event recorded.
ALTER TABLE dossiers ADD COLUMN form jsonb NOT NULL DEFAULT '{}';

-- The form field an attachment answers, if any.
ALTER TABLE attachments ADD COLUMN field text COLLATE "C";

-- One rating per dossier, by its applicant (TT 32/2017 Art. 12).
CREATE TABLE ratings (
    dossier_id uuid PRIMARY KEY REFERENCES dossiers (id),
    user_id uuid NOT NULL REFERENCES users (id),
    overall text COLLATE "C" NOT NULL,
    convenience text COLLATE "C" NOT NULL,
    timeliness text COLLATE "C" NOT NULL,
    attitude text COLLATE "C" NOT NULL,
    comment text COLLATE "C",
    rated_at timestamptz NOT NULL
);

-- Procedures hold the whole catalog entry (domain::catalog::Procedure) as
-- JSON, with the columns the portal searches and filters by. The competent
-- agency is an identifier or a kind of agency (every commune decides its own
-- civil status), so it is no longer a foreign key. No version of motcua has
-- stored procedures before this one, so the table is replaced.
DROP TABLE procedure_versions;

CREATE TABLE procedure_versions (
    code text COLLATE "C" NOT NULL,
    effective_from date NOT NULL,
    name_folded text COLLATE "C" NOT NULL,
    field text COLLATE "C" NOT NULL,
    level text COLLATE "C" NOT NULL,
    competent text COLLATE "C" NOT NULL,
    spec jsonb NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (code, effective_from)
);
CREATE INDEX procedure_versions_by_name ON procedure_versions (name_folded, code);

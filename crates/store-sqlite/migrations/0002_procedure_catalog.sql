-- Procedures hold the whole catalog entry (domain::catalog::Procedure) as
-- JSON, with the columns the portal searches and filters by. The competent
-- agency is an identifier or a kind of agency (every commune decides its own
-- civil status), so it is no longer a foreign key. No version of motcua has
-- stored procedures before this one, so the table is replaced.
DROP TABLE procedure_versions;

CREATE TABLE procedure_versions (
    code TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    field TEXT NOT NULL,
    level TEXT NOT NULL,
    competent TEXT NOT NULL,
    spec TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (code, effective_from)
) STRICT, WITHOUT ROWID;
CREATE INDEX procedure_versions_by_name ON procedure_versions(name_folded, code);

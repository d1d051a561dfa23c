-- The kept statistics (issue 9): each dossier's contribution to the
-- figures (`motcua_store::kept`), the sums of every contribution per cell,
-- day and measure and per cell, month and measure, and the marks that say
-- which dossiers must be counted again.
--
-- The database marks a dossier itself, in the transaction that changes what
-- the statistics read of it, so no writer can forget to. A mark is a new
-- AUTOINCREMENT number on every change (REPLACE deletes the old row), never
-- reused, so a recount knows whether the dossier changed after it read it.
CREATE TABLE statistics_marks (
    mark INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_id TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE statistics_cells (
    id INTEGER PRIMARY KEY,
    agency_id TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    evaluation TEXT NOT NULL,
    UNIQUE (agency_id, procedure_code, evaluation)
) STRICT;

CREATE TABLE statistics_counted (
    dossier_id TEXT PRIMARY KEY,
    cell INTEGER NOT NULL REFERENCES statistics_cells(id),
    deltas BLOB NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE statistics_days (
    day INTEGER NOT NULL,
    cell INTEGER NOT NULL,
    measure INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (day, cell, measure)
) STRICT, WITHOUT ROWID;

CREATE TABLE statistics_months (
    month INTEGER NOT NULL,
    cell INTEGER NOT NULL,
    measure INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (month, cell, measure)
) STRICT, WITHOUT ROWID;

-- What the kept figures were counted on; none yet, so the first reading
-- counts every dossier.
CREATE TABLE statistics_basis (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    basis TEXT NOT NULL
) STRICT;

CREATE TRIGGER statistics_mark_new_dossier AFTER INSERT ON dossiers BEGIN
    INSERT OR REPLACE INTO statistics_marks (dossier_id) VALUES (NEW.id);
END;
CREATE TRIGGER statistics_mark_changed_dossier AFTER UPDATE ON dossiers BEGIN
    INSERT OR REPLACE INTO statistics_marks (dossier_id) VALUES (NEW.id);
END;
CREATE TRIGGER statistics_mark_digitised AFTER INSERT ON captured_documents BEGIN
    INSERT OR REPLACE INTO statistics_marks (dossier_id) VALUES (NEW.dossier_id);
END;
CREATE TRIGGER statistics_mark_undigitised AFTER DELETE ON captured_documents BEGIN
    INSERT OR REPLACE INTO statistics_marks (dossier_id) VALUES (OLD.dossier_id);
END;
CREATE TRIGGER statistics_mark_rated AFTER INSERT ON ratings BEGIN
    INSERT OR REPLACE INTO statistics_marks (dossier_id) VALUES (NEW.dossier_id);
END;
CREATE TRIGGER statistics_mark_paid_for AFTER INSERT ON payment_dossiers BEGIN
    INSERT OR REPLACE INTO statistics_marks (dossier_id) VALUES (NEW.dossier_id);
END;
CREATE TRIGGER statistics_mark_payment AFTER UPDATE OF state ON payments
WHEN OLD.state IS NOT NEW.state BEGIN
    INSERT OR REPLACE INTO statistics_marks (dossier_id)
        SELECT dossier_id FROM payment_dossiers WHERE payment_id = NEW.id;
END;
-- Processing time is counted on the receiving unit's office hours.
CREATE TRIGGER statistics_mark_office_hours AFTER UPDATE OF office_hours ON agencies
WHEN OLD.office_hours IS NOT NEW.office_hours BEGIN
    INSERT OR REPLACE INTO statistics_marks (dossier_id)
        SELECT id FROM dossiers WHERE receiving_unit = NEW.id;
END;

-- The kept statistics (issue 9): each dossier's contribution to the
-- figures (`motcua_store::kept`), the sums of every contribution per cell,
-- day and measure and per cell, month and measure, and the marks that say
-- which dossiers must be counted again.
--
-- The database marks a dossier itself, in the transaction that changes what
-- the statistics read of it, so no writer can forget to. A mark takes a new
-- number from its sequence on every change, so a recount knows whether the
-- dossier changed after it read it.
CREATE TABLE statistics_marks (
    mark bigserial PRIMARY KEY,
    dossier_id uuid NOT NULL UNIQUE
);

CREATE TABLE statistics_cells (
    id bigserial PRIMARY KEY,
    agency_id uuid NOT NULL,
    procedure_code text COLLATE "C" NOT NULL,
    evaluation text COLLATE "C" NOT NULL,
    UNIQUE (agency_id, procedure_code, evaluation)
);

CREATE TABLE statistics_counted (
    dossier_id uuid PRIMARY KEY,
    cell bigint NOT NULL REFERENCES statistics_cells (id),
    deltas bytea NOT NULL
);

CREATE TABLE statistics_days (
    day integer NOT NULL,
    cell bigint NOT NULL,
    measure smallint NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (day, cell, measure)
);

CREATE TABLE statistics_months (
    month integer NOT NULL,
    cell bigint NOT NULL,
    measure smallint NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (month, cell, measure)
);

-- What the kept figures were counted on; none yet, so the first reading
-- counts every dossier.
CREATE TABLE statistics_basis (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    basis text NOT NULL
);

CREATE FUNCTION statistics_mark(dossier uuid) RETURNS void LANGUAGE sql AS $$
    INSERT INTO statistics_marks (dossier_id) VALUES (dossier)
    ON CONFLICT (dossier_id) DO UPDATE SET mark = nextval('statistics_marks_mark_seq');
$$;

CREATE FUNCTION statistics_mark_dossier() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM statistics_mark(NEW.id);
    RETURN NULL;
END $$;

-- For the tables that name the dossier in `dossier_id`.
CREATE FUNCTION statistics_mark_dossier_of_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM statistics_mark(OLD.dossier_id);
    ELSE
        PERFORM statistics_mark(NEW.dossier_id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION statistics_mark_payment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state IS DISTINCT FROM NEW.state THEN
        PERFORM statistics_mark(pd.dossier_id)
            FROM payment_dossiers pd WHERE pd.payment_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;

-- Processing time is counted on the receiving unit's office hours.
CREATE FUNCTION statistics_mark_office_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.office_hours IS DISTINCT FROM NEW.office_hours THEN
        PERFORM statistics_mark(d.id) FROM dossiers d WHERE d.receiving_unit = NEW.id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER statistics_mark_dossier AFTER INSERT OR UPDATE ON dossiers
    FOR EACH ROW EXECUTE FUNCTION statistics_mark_dossier();
CREATE TRIGGER statistics_mark_digitised AFTER INSERT OR DELETE ON captured_documents
    FOR EACH ROW EXECUTE FUNCTION statistics_mark_dossier_of_row();
CREATE TRIGGER statistics_mark_rated AFTER INSERT ON ratings
    FOR EACH ROW EXECUTE FUNCTION statistics_mark_dossier_of_row();
CREATE TRIGGER statistics_mark_paid_for AFTER INSERT ON payment_dossiers
    FOR EACH ROW EXECUTE FUNCTION statistics_mark_dossier_of_row();
CREATE TRIGGER statistics_mark_payment AFTER UPDATE OF state ON payments
    FOR EACH ROW EXECUTE FUNCTION statistics_mark_payment();
CREATE TRIGGER statistics_mark_office_hours AFTER UPDATE OF office_hours ON agencies
    FOR EACH ROW EXECUTE FUNCTION statistics_mark_office_hours();

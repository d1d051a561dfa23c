-- The public post's offices and hand-over records (issue 8). A post office
-- is an agency of kind 'post-office'; it serves the agencies listed here.
-- Each consignment names the agency at its other end (the one-stop unit
-- that receives the dossier, or returns the result): the post's queues are
-- read by it. Consignments were only made by tests before this migration,
-- so the column is filled by every writer from here on.
ALTER TABLE consignments ADD COLUMN agency_id uuid REFERENCES agencies (id);
-- A draft has one pickup in force, a dossier one delivery of its result
-- (a result back at the agency is collected at the counter): two
-- bookings or two hand-overs made at once cannot both stand.
CREATE UNIQUE INDEX consignments_one_pickup ON consignments (dossier_id)
    WHERE leg = 'pickup' AND status IN ('booked', 'picked-up');
CREATE UNIQUE INDEX consignments_one_delivery ON consignments (dossier_id)
    WHERE leg = 'delivery' AND status <> 'cancelled';
CREATE INDEX consignments_by_agency ON consignments (agency_id, status, created_at);

CREATE TABLE post_office_agencies (
    post_office_id uuid NOT NULL REFERENCES agencies (id),
    agency_id uuid NOT NULL REFERENCES agencies (id),
    PRIMARY KEY (post_office_id, agency_id)
);
CREATE INDEX post_offices_of_agency ON post_office_agencies (agency_id);

-- A hand-over record (biên bản giao nhận) between a post office and an
-- agency: dossiers the post brings (leg 'pickup') or results it takes
-- ('delivery'). Drafted by one side, confirmed by the other; the
-- confirmation is when the dossiers changed hands.
CREATE TABLE handovers (
    id uuid PRIMARY KEY,
    leg text COLLATE "C" NOT NULL,
    post_office_id uuid NOT NULL REFERENCES agencies (id),
    agency_id uuid NOT NULL REFERENCES agencies (id),
    year integer NOT NULL,
    number integer NOT NULL,
    drafted_by uuid NOT NULL REFERENCES users (id),
    drafted_at timestamptz NOT NULL,
    confirmed_by uuid REFERENCES users (id),
    confirmed_at timestamptz,
    UNIQUE (post_office_id, year, number)
);
CREATE INDEX handovers_by_agency ON handovers (agency_id, drafted_at);
CREATE INDEX handovers_by_post_office ON handovers (post_office_id, drafted_at);

-- A consignment is listed on one record only.
CREATE TABLE handover_items (
    handover_id uuid NOT NULL REFERENCES handovers (id),
    consignment_id uuid NOT NULL UNIQUE REFERENCES consignments (id),
    PRIMARY KEY (handover_id, consignment_id)
);

CREATE TABLE handover_series (
    post_office_id uuid NOT NULL REFERENCES agencies (id),
    year integer NOT NULL,
    last integer NOT NULL,
    PRIMARY KEY (post_office_id, year)
);

-- The public post (issue 8): each consignment of a dossier — its pickup
-- from the applicant or the delivery of its result — with its state as the
-- domain's rules left it, and the steps that led there. A pickup's dossier
-- does not exist yet (it is entered at the hand-over), so dossier_id has no
-- foreign key: it is the draft's id until then. Last, the operators' status
-- pushes already taken.
CREATE TABLE consignments (
    id TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL,
    leg TEXT NOT NULL,
    status TEXT NOT NULL,
    waybill TEXT UNIQUE,
    -- the domain's Consignment, as JSON
    state TEXT NOT NULL,
    -- the applicant's address, as JSON
    address TEXT NOT NULL,
    window_from INTEGER,
    window_to INTEGER,
    postage_vnd INTEGER NOT NULL CHECK (postage_vnd >= 0),
    steps INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX consignments_by_dossier ON consignments(dossier_id, created_at);
-- The post's queues: what waits to be collected or delivered.
CREATE INDEX consignments_by_status ON consignments(leg, status, created_at);

CREATE TABLE consignment_steps (
    consignment_id TEXT NOT NULL REFERENCES consignments(id),
    seq INTEGER NOT NULL,
    actor_id TEXT REFERENCES users(id),
    -- the domain's Step, as JSON
    step TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (consignment_id, seq)
) STRICT, WITHOUT ROWID;

-- Status pushes from a postal operator's system, each recorded once: by
-- its event id (the operator's retry of one event changes nothing again)
-- and by its signature (a signed request sent again is a replay).
CREATE TABLE carrier_pushes (
    event_id TEXT PRIMARY KEY,
    signature TEXT NOT NULL UNIQUE,
    consignment_id TEXT NOT NULL REFERENCES consignments(id),
    received_at INTEGER NOT NULL
) STRICT;

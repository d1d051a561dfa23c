-- The public post (issue 8): each consignment of a dossier — its pickup
-- from the applicant or the delivery of its result — with its state as the
-- domain's rules left it, and the steps that led there. A pickup's dossier
-- does not exist yet (it is entered at the hand-over), so dossier_id has no
-- foreign key: it is the draft's id until then. Last, the operators' status
-- pushes already taken.
CREATE TABLE consignments (
    id uuid PRIMARY KEY,
    dossier_id uuid NOT NULL,
    leg text COLLATE "C" NOT NULL,
    status text COLLATE "C" NOT NULL,
    waybill text COLLATE "C" UNIQUE,
    -- the domain's Consignment
    state jsonb NOT NULL,
    -- the applicant's address
    address jsonb NOT NULL,
    window_from timestamptz,
    window_to timestamptz,
    postage_vnd bigint NOT NULL CHECK (postage_vnd >= 0),
    steps integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX consignments_by_dossier ON consignments (dossier_id, created_at);
-- The post's queues: what waits to be collected or delivered.
CREATE INDEX consignments_by_status ON consignments (leg, status, created_at);

CREATE TABLE consignment_steps (
    consignment_id uuid NOT NULL REFERENCES consignments (id),
    seq integer NOT NULL,
    actor_id uuid REFERENCES users (id),
    -- the domain's Step
    step jsonb NOT NULL,
    at timestamptz NOT NULL,
    PRIMARY KEY (consignment_id, seq)
);

-- Status pushes from a postal operator's system, each recorded once: by
-- its event id (the operator's retry of one event changes nothing again)
-- and by its signature (a signed request sent again is a replay).
CREATE TABLE carrier_pushes (
    event_id text COLLATE "C" PRIMARY KEY,
    signature text COLLATE "C" NOT NULL UNIQUE,
    consignment_id uuid NOT NULL REFERENCES consignments (id),
    received_at timestamptz NOT NULL
);

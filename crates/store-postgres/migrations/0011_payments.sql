-- Fees paid online (issue 7): the account each collecting agency is paid
-- into, the payments made through a provider (one payer, one beneficiary,
-- fees of one or more dossiers), each beneficiary's receipt series per year,
-- and the refunds given back against a payment.
CREATE TABLE fee_accounts (
    agency_id uuid PRIMARY KEY REFERENCES agencies (id),
    number text NOT NULL,
    holder text NOT NULL,
    treasury text NOT NULL,
    receipt_symbol text NOT NULL
);

CREATE TABLE payments (
    id uuid PRIMARY KEY,
    reference text COLLATE "C" NOT NULL UNIQUE,
    checkout_id uuid NOT NULL,
    payer_id uuid NOT NULL REFERENCES users (id),
    beneficiary_id uuid NOT NULL REFERENCES agencies (id),
    provider text COLLATE "C" NOT NULL,
    amount_vnd bigint NOT NULL CHECK (amount_vnd > 0),
    -- the items (dossier, fee, count, amount, refundable) as JSON
    items jsonb NOT NULL,
    state text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    closed_at timestamptz,
    paid_at timestamptz,
    provider_txn text,
    failure text,
    receipt_symbol text,
    receipt_year integer,
    receipt_number integer
);
-- The day's report reads what was started and what was closed in a day.
CREATE INDEX payments_by_creation ON payments (created_at);
CREATE INDEX payments_by_closing ON payments (closed_at);
CREATE INDEX payments_by_checkout ON payments (checkout_id, id);
CREATE UNIQUE INDEX payments_by_receipt ON payments (beneficiary_id, receipt_year, receipt_number)
    WHERE receipt_number IS NOT NULL;

-- Which dossiers a payment covers, to list a dossier's payments.
CREATE TABLE payment_dossiers (
    dossier_id uuid NOT NULL REFERENCES dossiers (id),
    payment_id uuid NOT NULL REFERENCES payments (id),
    PRIMARY KEY (dossier_id, payment_id)
);

CREATE TABLE receipt_series (
    agency_id uuid NOT NULL REFERENCES agencies (id),
    year integer NOT NULL,
    last integer NOT NULL,
    PRIMARY KEY (agency_id, year)
);

CREATE TABLE refunds (
    id uuid PRIMARY KEY,
    payment_id uuid NOT NULL REFERENCES payments (id),
    dossier_id uuid NOT NULL REFERENCES dossiers (id),
    amount_vnd bigint NOT NULL CHECK (amount_vnd > 0),
    reason text NOT NULL,
    provider_ref text,
    at timestamptz NOT NULL
);
CREATE INDEX refunds_by_time ON refunds (at);
CREATE INDEX refunds_by_payment ON refunds (payment_id, at);

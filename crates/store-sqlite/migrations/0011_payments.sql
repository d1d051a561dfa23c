-- Fees paid online (issue 7): the account each collecting agency is paid
-- into, the payments made through a provider (one payer, one beneficiary,
-- fees of one or more dossiers), each beneficiary's receipt series per year,
-- and the refunds given back against a payment.
CREATE TABLE fee_accounts (
    agency_id TEXT PRIMARY KEY REFERENCES agencies(id),
    number TEXT NOT NULL,
    holder TEXT NOT NULL,
    treasury TEXT NOT NULL,
    receipt_symbol TEXT NOT NULL
) STRICT;

CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    checkout_id TEXT NOT NULL,
    payer_id TEXT NOT NULL REFERENCES users(id),
    beneficiary_id TEXT NOT NULL REFERENCES agencies(id),
    provider TEXT NOT NULL,
    amount_vnd INTEGER NOT NULL CHECK (amount_vnd > 0),
    -- the items (dossier, fee, count, amount, refundable) as JSON
    items TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    closed_at INTEGER,
    paid_at INTEGER,
    provider_txn TEXT,
    failure TEXT,
    receipt_symbol TEXT,
    receipt_year INTEGER,
    receipt_number INTEGER
) STRICT;
-- The day's report reads what was started and what was closed in a day.
CREATE INDEX payments_by_creation ON payments(created_at);
CREATE INDEX payments_by_closing ON payments(closed_at);
CREATE INDEX payments_by_checkout ON payments(checkout_id, id);
CREATE UNIQUE INDEX payments_by_receipt ON payments(beneficiary_id, receipt_year, receipt_number)
    WHERE receipt_number IS NOT NULL;

-- Which dossiers a payment covers, to list a dossier's payments.
CREATE TABLE payment_dossiers (
    dossier_id TEXT NOT NULL REFERENCES dossiers(id),
    payment_id TEXT NOT NULL REFERENCES payments(id),
    PRIMARY KEY (dossier_id, payment_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE receipt_series (
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (agency_id, year)
) STRICT, WITHOUT ROWID;

CREATE TABLE refunds (
    id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments(id),
    dossier_id TEXT NOT NULL REFERENCES dossiers(id),
    amount_vnd INTEGER NOT NULL CHECK (amount_vnd > 0),
    reason TEXT NOT NULL,
    provider_ref TEXT,
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX refunds_by_time ON refunds(at);
CREATE INDEX refunds_by_payment ON refunds(payment_id, at);

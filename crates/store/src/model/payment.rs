//! Fees paid online: the budget account each collecting agency is paid
//! into, the payments made through a provider, the receipts issued for
//! them and the refunds given back against them.
//!
//! A payment belongs to one payer and one beneficiary (the collecting
//! agency) and may cover fees of several of the payer's dossiers. Settling
//! it, issuing its receipt number and recording the fee on every dossier it
//! covers happen in one transaction; so does a refund and its event.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{StoreError, StoreResult};
use crate::ids::{AgencyId, CheckoutId, DossierId, PaymentId, RefundId, UserId};

/// The account an agency collects fees into (at the State Treasury), and
/// the symbol of its fee receipts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeAccount {
    pub agency: AgencyId,
    /// The account number.
    pub number: String,
    /// Whose account it is, as the treasury names it.
    pub holder: String,
    /// Where it is kept (*Kho bạc Nhà nước …*).
    pub treasury: String,
    /// The symbol (*ký hiệu*) printed on its receipts, before the number.
    pub receipt_symbol: String,
}

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PaymentState {
    /// Sent to the provider; no answer yet.
    Pending,
    /// The provider confirmed it: the money is collected.
    Settled,
    /// The provider said it failed (or the payer cancelled).
    Failed,
}

impl PaymentState {
    pub fn key(self) -> &'static str {
        match self {
            PaymentState::Pending => "pending",
            PaymentState::Settled => "settled",
            PaymentState::Failed => "failed",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [
            PaymentState::Pending,
            PaymentState::Settled,
            PaymentState::Failed,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

/// One fee of one dossier that a payment covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentItem {
    pub dossier: DossierId,
    /// The fee's name in the dossier's catalog version.
    pub fee: String,
    pub count: u32,
    pub amount_vnd: u64,
    /// Whether it is given back when the dossier is refused or withdrawn.
    pub refundable: bool,
}

/// A payment to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    pub id: PaymentId,
    /// The order reference sent to the provider (unique; letters and
    /// digits).
    pub reference: String,
    /// The checkout it was made in: one per beneficiary of one checkout.
    pub checkout: CheckoutId,
    pub payer: UserId,
    pub beneficiary: AgencyId,
    /// The provider's name (`sandbox`, `vnpay`).
    pub provider: String,
    /// The items' sum.
    pub amount_vnd: u64,
    pub items: Vec<PaymentItem>,
    pub created_at: DateTime<Utc>,
}

/// A fee receipt's number: the collecting agency's symbol, the year and
/// the number in that year's series (from 1, without gaps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptNumber {
    pub symbol: String,
    pub year: i32,
    pub number: u32,
}

impl std::fmt::Display for ReceiptNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{} số {:07}", self.symbol, self.year, self.number)
    }
}

/// A payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub id: PaymentId,
    pub reference: String,
    pub checkout: CheckoutId,
    pub payer: UserId,
    pub beneficiary: AgencyId,
    pub provider: String,
    pub amount_vnd: u64,
    pub items: Vec<PaymentItem>,
    pub state: PaymentState,
    pub created_at: DateTime<Utc>,
    /// When it was settled or failed here.
    pub closed_at: Option<DateTime<Utc>>,
    /// When the provider says the money was paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// The provider's transaction number.
    pub provider_txn: Option<String>,
    /// Why it failed, in the provider's words.
    pub failure: Option<String>,
    pub receipt: Option<ReceiptNumber>,
}

impl Payment {
    /// The dossiers it covers, each once, in the order of its items.
    pub fn dossiers(&self) -> Vec<DossierId> {
        let mut out: Vec<DossierId> = Vec::new();
        for item in &self.items {
            if !out.contains(&item.dossier) {
                out.push(item.dossier);
            }
        }
        out
    }

    /// What it collected for one dossier.
    pub fn amount_for(&self, dossier: DossierId) -> u64 {
        self.items
            .iter()
            .filter(|i| i.dossier == dossier)
            .map(|i| i.amount_vnd)
            .sum()
    }
}

/// What the provider confirmed about a pending payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub reference: String,
    pub provider_txn: String,
    /// When the provider says it was paid.
    pub paid_at: DateTime<Utc>,
    /// When it is recorded here (the instant of the events it writes).
    pub at: DateTime<Utc>,
}

/// What settling did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// It was settled now: receipt issued, each dossier's event written.
    Now(Payment),
    /// It had been settled before; nothing changed.
    Already(Payment),
}

/// A refund to record against a settled payment, for one dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefund {
    pub id: RefundId,
    pub payment: PaymentId,
    pub dossier: DossierId,
    pub amount_vnd: u64,
    /// What the caller read as given back on this payment for this dossier
    /// before, from which it worked out `amount_vnd`: if another refund
    /// came in between, this one is refused (a conflict), so two callers
    /// working from the same reading never both give back.
    pub refunded_before: u64,
    pub reason: String,
    /// The provider's reference for the refund, when it made one.
    pub provider_ref: Option<String>,
    pub at: DateTime<Utc>,
}

/// A refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub id: RefundId,
    pub payment: PaymentId,
    pub dossier: DossierId,
    pub amount_vnd: u64,
    pub reason: String,
    pub provider_ref: Option<String>,
    pub at: DateTime<Utc>,
}

/// Whether `new` may be given back against `payment`, of which `refunded`
/// was given back before for its dossier: the payment is settled, the
/// caller read the same `refunded`, and the refunds stay within what the
/// payment collected for the dossier. Which fees are given back (the refundable ones after a
/// refusal, or any fee paid twice) is the caller's to decide; more than
/// was collected never is. Both engines check this inside the refund's
/// transaction.
pub fn refund_allowed(payment: &Payment, refunded: u64, new: &NewRefund) -> StoreResult<()> {
    if payment.state != PaymentState::Settled {
        return Err(StoreError::invalid(format!(
            "payment {} is not settled",
            payment.reference
        )));
    }
    if refunded != new.refunded_before {
        return Err(StoreError::conflict(format!(
            "refunds of payment {} (another was recorded meanwhile)",
            payment.reference
        )));
    }
    let collected = payment.amount_for(new.dossier);
    if refunded.saturating_add(new.amount_vnd) > collected {
        return Err(StoreError::invalid(format!(
            "payment {} can give back {collected} đ for this dossier, {refunded} đ of it already",
            payment.reference
        )));
    }
    Ok(())
}

//! Fees paid online (level 4): what a dossier owes, a checkout that pays
//! the owed fees of one or more of an applicant's dossiers — one payment
//! per collecting agency — through a [`PaymentProvider`], the provider's
//! notices that settle them, the fee receipt, and refunds.
//!
//! What a dossier owes is derived, never typed in: the catalog version's
//! fees due on filing ([`FeeDue::Submission`]), plus those the specialist
//! assessed when asking for the financial obligation (national code 6),
//! less what settled payments collected. Each fee goes to the budget
//! account of the agency that collects it: the fee's `collected_by`, or
//! the deciding agency.

mod notify;
pub mod provider;
mod receipt;
pub mod reconcile;
pub mod sandbox;
pub mod vnpay;

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use motcua_domain::catalog::{FeeDue, Procedure, ServiceLevel};
use motcua_domain::forms::Problem;
use motcua_domain::lifecycle::{Action, AssessedFee, Outcome, Role, Stage};
use motcua_domain::text;
use motcua_store::{
    Agency, AgencyId, CheckoutId, DossierId, DossierRecord, EventRecord, NewPayment, Payment,
    PaymentId, PaymentItem, PaymentState, StoreError, User,
};

pub use notify::{IpnAnswer, confirm_paid, notify, refund_for};
pub use provider::{NoPayments, Notice, NoticeProblem, Order, PaymentProvider, VnPay};
pub use receipt::receipt;

use crate::office::act::procedure_of;
use crate::{AppError, Services, applicant, apply};

/// How long a payer has at the gateway.
pub const PAY_WITHIN: TimeDelta = TimeDelta::minutes(15);
/// The most dossiers one checkout pays for.
pub const MAX_DOSSIERS: usize = 20;

/// A fee a dossier owes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwedFee {
    pub dossier: DossierId,
    pub fee: String,
    pub count: u32,
    pub amount_vnd: u64,
    pub refundable: bool,
    /// The agency it is paid to.
    pub beneficiary: AgencyId,
}

/// What a dossier owes and what it paid.
#[derive(Debug, Clone)]
pub struct Fees {
    /// Still owed.
    pub owed: Vec<OwedFee>,
    /// Every payment covering the dossier (pending, settled, failed).
    pub payments: Vec<Payment>,
    /// What each settled payment did for the dossier.
    pub paid: BTreeMap<PaymentId, Paid>,
    /// Whether the owed fees can be paid online here now: a level-4
    /// procedure, the dossier still open, every collecting agency with a
    /// fee account.
    pub online: bool,
}

impl Fees {
    pub fn total_owed(&self) -> u64 {
        self.owed.iter().map(|f| f.amount_vnd).sum()
    }
}

/// What one settled payment did for a dossier, read from the timeline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Paid {
    /// Collected for fees the dossier no longer owed when it settled (paid
    /// twice: an attempt the payer had replaced but still completed, or a
    /// fee also paid at the counter): always given back.
    pub surplus: u64,
    /// Collected for refundable fees it did owe: given back if the dossier
    /// is refused or withdrawn.
    pub refundable: u64,
}

/// What the dossier owes now, and what each settled payment did for it,
/// from its timeline in order. The catalog version's fees due on filing
/// (of a dossier filed online: at the counter or through the post they are
/// paid there) are owed from the start; each request for the financial
/// obligation adds the fees it assessed; an officer's confirmation that the
/// obligation was paid at the counter clears the assessed fees still owed
/// then; each `FeePaid` takes its payment's items off what is owed then —
/// the first owed fee of the item's name and amount — and an item that
/// finds none is surplus. The dossier's lock orders these events, so the
/// payment that counted and the one that came twice are the same for every
/// reader.
fn account(
    dossier: &DossierRecord,
    procedure: &Procedure,
    events: &[EventRecord],
    payments: &[Payment],
) -> (Vec<OwedFee>, BTreeMap<PaymentId, Paid>) {
    let line = |name: &str, count: u32, amount_vnd: u64| {
        let fee = procedure.fees.iter().find(|f| f.name == name);
        OwedFee {
            dossier: dossier.id,
            fee: name.to_owned(),
            count,
            amount_vnd,
            refundable: fee.is_some_and(|f| f.refundable),
            // Resolved to an agency by `beneficiaries`.
            beneficiary: dossier.deciding_agency,
        }
    };
    // Each owed fee, and whether it was assessed (not due on filing).
    let mut owed: Vec<(OwedFee, bool)> = procedure
        .fees
        .iter()
        .filter(|f| f.due == FeeDue::Submission && f.amount_vnd > 0)
        .filter(|_| dossier.state.channel.is_online())
        .map(|f| (line(&f.name, 1, f.amount_vnd), false))
        .collect();
    let mut paid: BTreeMap<PaymentId, Paid> = BTreeMap::new();
    for e in events {
        match &e.event.action {
            Action::RequestPayment { fees } => {
                owed.extend(
                    fees.iter()
                        .map(|f| (line(&f.name, f.count, f.amount_vnd), true)),
                );
            }
            // Paid at the counter (online payments are their own events).
            Action::ConfirmPayment if e.event.role != Role::System => {
                owed.retain(|(_, assessed)| !assessed);
            }
            Action::FeePaid { payment, .. } => {
                let Some(p) = payments
                    .iter()
                    .find(|p| p.reference == *payment && p.state == PaymentState::Settled)
                else {
                    continue;
                };
                let did = paid.entry(p.id).or_default();
                for item in p.items.iter().filter(|i| i.dossier == dossier.id) {
                    match owed
                        .iter()
                        .position(|(f, _)| f.fee == item.fee && f.amount_vnd == item.amount_vnd)
                    {
                        Some(at) => {
                            owed.remove(at);
                            if item.refundable {
                                did.refundable += item.amount_vnd;
                            }
                        }
                        None => did.surplus += item.amount_vnd,
                    }
                }
            }
            _ => {}
        }
    }
    (owed.into_iter().map(|(f, _)| f).collect(), paid)
}

/// The agency each fee of `procedure` is paid to (by its `collected_by`
/// identifier, as the agency stands now after any merger), for `dossier`.
async fn beneficiaries(
    svc: &Services,
    dossier: &DossierRecord,
    procedure: &Procedure,
) -> Result<BTreeMap<String, Option<AgencyId>>, AppError> {
    let mut out = BTreeMap::new();
    for fee in &procedure.fees {
        let agency = match &fee.collected_by {
            // An agency the catalog names but the province does not have:
            // the fee cannot be paid online (`fees_of` says so); the pages
            // still show it.
            Some(identifier) => apply::agency_now(svc, identifier).await?.map(|a| a.id),
            None => Some(dossier.deciding_agency),
        };
        out.insert(fee.name.clone(), agency);
    }
    Ok(out)
}

/// What `dossier` owes and paid.
pub async fn fees_of(svc: &Services, dossier: &DossierRecord) -> Result<Fees, AppError> {
    let events = svc.store.events(dossier.id).await?;
    fees_given(svc, dossier, &events).await
}

/// [`fees_of`] on the timeline the caller has read already (`events`).
pub async fn fees_given(
    svc: &Services,
    dossier: &DossierRecord,
    events: &[EventRecord],
) -> Result<Fees, AppError> {
    let payments = svc.store.payments_of_dossier(dossier.id).await?;
    let Some(procedure) = procedure_of(svc, dossier).await? else {
        return Ok(Fees {
            owed: Vec::new(),
            payments,
            paid: BTreeMap::new(),
            online: false,
        });
    };
    let to = beneficiaries(svc, dossier, &procedure).await?;
    let (mut owed, paid) = account(dossier, &procedure, events, &payments);
    let mut known = true;
    for fee in &mut owed {
        match to.get(&fee.fee) {
            Some(Some(agency)) => fee.beneficiary = *agency,
            Some(None) => known = false,
            None => {}
        }
    }
    // Online: a level-4 procedure, a provider that takes payments, a
    // dossier still being handled (not refused), every collecting agency
    // known and with its account.
    let mut online = known
        && procedure.level == ServiceLevel::Full
        && svc.payments.takes_payments()
        && !ended(dossier)
        && !owed.is_empty();
    for fee in &owed {
        online = online && svc.store.fee_account(fee.beneficiary).await?.is_some();
    }
    Ok(Fees {
        owed,
        payments,
        paid,
        online,
    })
}

/// Whether the dossier will not be handled any further: ended, or refused
/// (a refusal is a result still to be handed over).
pub fn ended(dossier: &DossierRecord) -> bool {
    dossier.state.stage.is_final() || dossier.state.outcome == Some(Outcome::Refused)
}

/// Whether the dossier's refundable fees are given back: it was refused
/// (at reception or after appraisal) or withdrawn. A dossier that ended
/// with its result keeps them.
pub fn gives_fees_back(dossier: &DossierRecord) -> bool {
    dossier.state.outcome == Some(Outcome::Refused)
        || matches!(dossier.state.stage, Stage::NotAccepted | Stage::Withdrawn)
}

/// The fees a specialist assessed, checked against the catalog version:
/// each names one of its fees, at least once; the amount is the fee's
/// times the count (what the specialist typed is not trusted for it).
pub fn assessed(
    procedure: Option<&Procedure>,
    fees: Vec<AssessedFee>,
) -> Result<Vec<AssessedFee>, AppError> {
    let mut out = Vec::new();
    for f in fees {
        let name = text::nfc(f.name.trim()).into_owned();
        let fee = procedure
            .and_then(|p| p.fees.iter().find(|fee| fee.name == name))
            .ok_or_else(|| AppError::field("fees", Problem::NotAnOption))?;
        if f.count == 0 || f.count > 100 {
            return Err(AppError::field(
                "fees",
                Problem::OutOfRange { min: 1, max: 100 },
            ));
        }
        let amount_vnd = fee
            .amount_vnd
            .checked_mul(u64::from(f.count))
            .ok_or_else(|| AppError::field("fees", Problem::NotAnOption))?;
        if amount_vnd > 0 {
            out.push(AssessedFee {
                name,
                count: f.count,
                amount_vnd,
            });
        }
    }
    Ok(out)
}

/// A new payment reference: letters and digits, unique (the payment's
/// own time-ordered id).
fn reference_for(id: PaymentId) -> String {
    format!("MC{}", id.uuid().simple()).to_ascii_uppercase()
}

/// Starts paying the owed fees of `dossiers` (all `user`'s): one payment
/// per collecting agency, in one checkout. A dossier that owes nothing,
/// or cannot be paid online, is refused (`dossiers`: not an option).
pub async fn checkout(
    svc: &Services,
    user: &User,
    dossiers: &[DossierId],
    now: DateTime<Utc>,
) -> Result<CheckoutId, AppError> {
    if dossiers.is_empty() {
        return Err(AppError::field("dossiers", Problem::Required));
    }
    if dossiers.len() > MAX_DOSSIERS {
        return Err(AppError::field(
            "dossiers",
            Problem::OutOfRange {
                min: 1,
                max: MAX_DOSSIERS as i64,
            },
        ));
    }
    let mut by_beneficiary: BTreeMap<AgencyId, Vec<PaymentItem>> = BTreeMap::new();
    let mut seen = Vec::new();
    for id in dossiers {
        if seen.contains(id) {
            continue;
        }
        seen.push(*id);
        let dossier = applicant::mine(svc, user, *id).await?;
        let fees = fees_of(svc, &dossier).await?;
        if !fees.online {
            return Err(AppError::field("dossiers", Problem::NotAnOption));
        }
        for f in fees.owed {
            by_beneficiary
                .entry(f.beneficiary)
                .or_default()
                .push(PaymentItem {
                    dossier: f.dossier,
                    fee: f.fee,
                    count: f.count,
                    amount_vnd: f.amount_vnd,
                    refundable: f.refundable,
                });
        }
    }
    // A new checkout replaces the attempts still open on these dossiers, so
    // the same fee is not paid twice through two of them.
    for id in &seen {
        for open in svc.store.payments_of_dossier(*id).await? {
            if open.state == PaymentState::Pending && open.payer == user.id {
                svc.store
                    .fail_payment(&open.reference, "Thay bằng lần thanh toán mới", now)
                    .await?;
            }
        }
    }
    let checkout = CheckoutId::new();
    for (beneficiary, items) in by_beneficiary {
        let id = PaymentId::new();
        let amount_vnd = items.iter().map(|i| i.amount_vnd).sum();
        svc.store
            .create_payment(NewPayment {
                id,
                reference: reference_for(id),
                checkout,
                payer: user.id,
                beneficiary,
                provider: svc.payments.name().to_owned(),
                amount_vnd,
                items,
                created_at: now,
            })
            .await?;
    }
    Ok(checkout)
}

/// A payment of a checkout, with the agency it is paid to.
#[derive(Debug, Clone)]
pub struct CheckoutLine {
    pub payment: Payment,
    pub beneficiary: Option<Agency>,
    /// The dossiers' codes, in the order of the payment's items.
    pub codes: Vec<String>,
}

/// The payments of `user`'s checkout.
pub async fn checkout_of(
    svc: &Services,
    user: &User,
    checkout: CheckoutId,
) -> Result<Vec<CheckoutLine>, AppError> {
    let payments = svc.store.payments_of_checkout(checkout).await?;
    if payments.is_empty() || payments.iter().any(|p| p.payer != user.id) {
        return Err(AppError::NotFound("payment"));
    }
    let mut out = Vec::new();
    for payment in payments {
        let beneficiary = svc.store.agency(payment.beneficiary).await?;
        let codes = codes_of(svc, &payment).await?;
        out.push(CheckoutLine {
            payment,
            beneficiary,
            codes,
        });
    }
    Ok(out)
}

/// The codes of the dossiers a payment covers, in the order of its items.
pub(crate) async fn codes_of(svc: &Services, payment: &Payment) -> Result<Vec<String>, AppError> {
    let mut codes = Vec::new();
    for id in payment.dossiers() {
        if let Some(d) = svc.store.dossier(id).await? {
            codes.push(d.code.as_str().to_owned());
        }
    }
    Ok(codes)
}

/// `user`'s payment `reference`.
pub async fn payment_of(svc: &Services, user: &User, reference: &str) -> Result<Payment, AppError> {
    match svc.store.payment_by_reference(reference).await? {
        Some(p) if p.payer == user.id => Ok(p),
        _ => Err(AppError::NotFound("payment")),
    }
}

/// What the gateway shows as paid for (ASCII: it takes no diacritics).
fn order_info(codes: &[String]) -> String {
    let mut info = String::from("Nop phi, le phi ho so");
    for (i, code) in codes.iter().enumerate() {
        if info.len() + code.len() > 200 {
            info.push_str(&format!(" va {} ho so khac", codes.len() - i));
            break;
        }
        info.push(' ');
        info.push_str(code);
    }
    info
}

/// Where to send `user`'s browser to pay `reference` (pending or failed:
/// a failed attempt may be tried again).
pub async fn pay_url(
    svc: &Services,
    user: &User,
    reference: &str,
    ip: &str,
    english: bool,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let payment = payment_of(svc, user, reference).await?;
    // Each attempt is its own order at the gateway (it takes a reference
    // once): a paid, failed or replaced one is not sent again.
    if payment.state != PaymentState::Pending || payment.provider != svc.payments.name() {
        return Err(AppError::Store(StoreError::conflict(format!(
            "payment {reference} is not open"
        ))));
    }
    // Still owed, by a dossier still handled.
    let mut codes = Vec::new();
    for id in payment.dossiers() {
        let dossier = applicant::mine(svc, user, id).await?;
        let fees = fees_of(svc, &dossier).await?;
        let owed = payment.items.iter().filter(|i| i.dossier == id).all(|i| {
            fees.owed
                .iter()
                .any(|f| f.fee == i.fee && f.amount_vnd == i.amount_vnd)
        });
        if !fees.online || !owed {
            return Err(AppError::Store(StoreError::conflict(format!(
                "payment {reference} is no longer owed"
            ))));
        }
        codes.push(dossier.code.as_str().to_owned());
    }
    let order = Order {
        reference: payment.reference.clone(),
        amount_vnd: payment.amount_vnd,
        info: order_info(&codes),
        return_url: svc.settings.link("/thanh-toan/ket-qua"),
        ip: ip.to_owned(),
        created_at: now,
        expires_at: now + PAY_WITHIN,
        locale: if english { "en" } else { "vn" },
    };
    svc.payments
        .pay_url(&order)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The payment a provider's signed return names, if it is `user`'s, and
/// whether the provider said it was paid. The record is what the notice
/// made it: a return that comes before the notice shows it still pending.
pub async fn returned(
    svc: &Services,
    user: &User,
    params: &[(String, String)],
) -> Result<(Payment, bool), AppError> {
    let notice = svc
        .payments
        .read_notice(params)
        .map_err(|_| AppError::NotFound("payment"))?;
    let payment = payment_of(svc, user, &notice.reference).await?;
    Ok((payment, notice.paid))
}

//! Reconciliation: a day's totals per collecting agency (collected,
//! refunded, still pending), and the provider's settlement file for that
//! day compared with the record, every difference named.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use motcua_domain::calendar;
use motcua_store::{AgencyId, Payment, PaymentState};

use crate::{AppError, Services};

/// One collecting agency's day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgencyDay {
    pub collected_vnd: u64,
    pub collected: u32,
    pub refunded_vnd: u64,
    pub refunds: u32,
    /// Started that day and still waiting for the provider.
    pub pending_vnd: u64,
    pub pending: u32,
}

/// A line of the provider's settlement file: a transaction it settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementLine {
    /// Our order reference (`vnp_TxnRef`).
    pub reference: String,
    /// The provider's transaction number.
    pub transaction: String,
    pub amount_vnd: u64,
}

/// What the file and the record disagree on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// Settled here that day, absent from the file.
    Missing(Payment),
    /// In the file, but not a payment settled here (unknown, pending,
    /// failed, or settled another day).
    Extra(SettlementLine),
    /// In both, for different amounts.
    Amount {
        payment: Payment,
        line: SettlementLine,
    },
}

/// The bounds of a day in Vietnam, as instants.
fn day_bounds(
    day: NaiveDate,
) -> Result<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>), AppError> {
    let next = day
        .checked_add_days(Days::new(1))
        .ok_or_else(|| AppError::Internal("a day past the calendar".into()))?;
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(calendar::to_utc);
    match (midnight(day), midnight(next)) {
        (Some(from), Some(to)) => Ok((from, to)),
        _ => Err(AppError::Internal("a day without a midnight".into())),
    }
}

/// Whether `payment` was settled within `[from, to)`.
fn settled_in(
    payment: &Payment,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> bool {
    payment.state == PaymentState::Settled
        && payment.closed_at.is_some_and(|at| at >= from && at < to)
}

/// Each collecting agency's totals for `day` (Vietnam's time).
pub async fn day_report(
    svc: &Services,
    day: NaiveDate,
) -> Result<BTreeMap<AgencyId, AgencyDay>, AppError> {
    let (from, to) = day_bounds(day)?;
    let mut out: BTreeMap<AgencyId, AgencyDay> = BTreeMap::new();
    for p in svc.store.payments_between(from, to).await? {
        let line = out.entry(p.beneficiary).or_default();
        if settled_in(&p, from, to) {
            line.collected_vnd += p.amount_vnd;
            line.collected += 1;
        } else if p.state == PaymentState::Pending {
            line.pending_vnd += p.amount_vnd;
            line.pending += 1;
        }
    }
    for r in svc.store.refunds_between(from, to).await? {
        let Some(payment) = svc
            .store
            .payments_of_dossier(r.dossier)
            .await?
            .into_iter()
            .find(|p| p.id == r.payment)
        else {
            continue;
        };
        let line = out.entry(payment.beneficiary).or_default();
        line.refunded_vnd += r.amount_vnd;
        line.refunds += 1;
    }
    Ok(out)
}

/// The provider's settlement lines for `day` against the payments settled
/// here that day: each missing, extra or differing one.
pub async fn reconcile(
    svc: &Services,
    day: NaiveDate,
    lines: Vec<SettlementLine>,
) -> Result<Vec<Difference>, AppError> {
    let (from, to) = day_bounds(day)?;
    let mut settled: BTreeMap<String, Payment> = svc
        .store
        .payments_between(from, to)
        .await?
        .into_iter()
        .filter(|p| settled_in(p, from, to))
        .map(|p| (p.reference.clone(), p))
        .collect();
    let mut out = Vec::new();
    for line in lines {
        match settled.remove(&line.reference) {
            Some(payment) if payment.amount_vnd != line.amount_vnd => {
                out.push(Difference::Amount { payment, line });
            }
            Some(_) => {}
            None => out.push(Difference::Extra(line)),
        }
    }
    out.extend(settled.into_values().map(Difference::Missing));
    Ok(out)
}

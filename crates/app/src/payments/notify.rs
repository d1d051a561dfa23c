//! The provider's notices, and what follows a settled payment or a
//! refused dossier.
//!
//! A notice is believed only with a valid signature, for a known order of
//! this provider, for the amount ordered. Settling is idempotent (the
//! store settles a payment once); a notice that is forged, for an unknown
//! order, for another amount, or that comes again, changes nothing and is
//! logged.

use chrono::{DateTime, Utc};
use motcua_domain::calendar::OfficeHours;
use motcua_domain::lifecycle::{Action, Clockwork, Role, Stage};
use motcua_store::{
    DossierId, NewEvent, NewRefund, Payment, PaymentState, Refund, RefundId, Settled, Settlement,
    StoreError,
};

use super::{NoticeProblem, fees_of};
use crate::office::act::procedure_of;
use crate::{AppError, Services, apply, notices};

/// The answer to the gateway's notification, in its own codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpnAnswer {
    pub code: &'static str,
    pub message: &'static str,
}

impl IpnAnswer {
    const CONFIRMED: IpnAnswer = IpnAnswer {
        code: "00",
        message: "Confirm Success",
    };
    const NOT_FOUND: IpnAnswer = IpnAnswer {
        code: "01",
        message: "Order not found",
    };
    const ALREADY: IpnAnswer = IpnAnswer {
        code: "02",
        message: "Order already confirmed",
    };
    const AMOUNT: IpnAnswer = IpnAnswer {
        code: "04",
        message: "Invalid amount",
    };
    const SIGNATURE: IpnAnswer = IpnAnswer {
        code: "97",
        message: "Invalid signature",
    };
    const UNKNOWN: IpnAnswer = IpnAnswer {
        code: "99",
        message: "Unknown error",
    };

    /// Whether the notice changed the record (or had already).
    pub fn accepted(self) -> bool {
        self.code == "00"
    }
}

/// Handles a notice from the provider (the IPN call): verifies it, then
/// settles or fails the payment it names.
pub async fn notify(svc: &Services, params: &[(String, String)], now: DateTime<Utc>) -> IpnAnswer {
    let notice = match svc.payments.read_notice(params) {
        Ok(n) => n,
        Err(problem) => {
            tracing::warn!(%problem, "payment notice refused");
            return match problem {
                NoticeProblem::Signature => IpnAnswer::SIGNATURE,
                _ => IpnAnswer::UNKNOWN,
            };
        }
    };
    let reference = notice.reference.as_str();
    let payment = match svc.store.payment_by_reference(reference).await {
        Ok(Some(p)) if p.provider == svc.payments.name() => p,
        Ok(_) => {
            tracing::warn!(reference, "payment notice for an unknown order");
            return IpnAnswer::NOT_FOUND;
        }
        Err(e) => {
            tracing::error!(reference, error = %e, "payment notice: the store failed");
            return IpnAnswer::UNKNOWN;
        }
    };
    if notice.amount_vnd != payment.amount_vnd {
        tracing::warn!(
            reference,
            ordered = payment.amount_vnd,
            noticed = notice.amount_vnd,
            "payment notice for another amount"
        );
        return IpnAnswer::AMOUNT;
    }
    if payment.state == PaymentState::Settled {
        tracing::info!(reference, "payment notice repeated");
        // What should have followed the first notice is done now if it was
        // not then (each step does only what is still undone).
        follow_up(svc, &payment, now).await;
        return IpnAnswer::ALREADY;
    }
    if !notice.paid {
        let reason = failure_words(&notice.code);
        return match svc.store.fail_payment(reference, &reason, now).await {
            Ok(true) => IpnAnswer::CONFIRMED,
            Ok(false) => IpnAnswer::ALREADY,
            Err(e) => {
                tracing::error!(reference, error = %e, "payment notice: the store failed");
                IpnAnswer::UNKNOWN
            }
        };
    }
    let settled = svc
        .store
        .settle_payment(Settlement {
            reference: reference.to_owned(),
            provider_txn: notice.transaction.clone(),
            paid_at: notice.paid_at.unwrap_or(now),
            at: now,
        })
        .await;
    match settled {
        Ok(Settled::Now(payment)) => {
            tracing::info!(reference, amount = payment.amount_vnd, "payment settled");
            follow_up(svc, &payment, now).await;
            IpnAnswer::CONFIRMED
        }
        Ok(Settled::Already(payment)) => {
            follow_up(svc, &payment, now).await;
            IpnAnswer::ALREADY
        }
        Err(e) => {
            tracing::error!(reference, error = %e, "payment notice: the store failed");
            IpnAnswer::UNKNOWN
        }
    }
}

/// Why an attempt failed, worded for the dossier's timeline from the
/// gateway's response code (VNPay's table), which is kept for the help
/// desk.
fn failure_words(code: &str) -> String {
    let why = match code {
        super::vnpay::CANCELLED => "Người nộp hủy giao dịch",
        "11" => "Hết thời gian chờ thanh toán",
        "51" => "Tài khoản không đủ số dư",
        _ => "Cổng thanh toán báo không thành công",
    };
    format!("{why} (mã {code})")
}

/// Takes each dossier `payment` covers out of its wait for the financial
/// obligation (national code 6) once it owes nothing more: the clock
/// resumes where it stopped, and the applicant is told.
pub async fn confirm_paid(
    svc: &Services,
    payment: &Payment,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for id in payment.dossiers() {
        let Some(dossier) = svc.store.dossier(id).await? else {
            continue;
        };
        if dossier.state.stage != Stage::AwaitingPayment
            || !fees_of(svc, &dossier).await?.owed.is_empty()
        {
            continue;
        }
        let calendar = apply::work_calendar(svc).await?;
        let hours = match svc.store.agency(dossier.receiving_unit).await? {
            Some(a) => a.office_hours,
            None => OfficeHours::standard(),
        };
        let event = dossier.state.decide(
            Action::ConfirmPayment,
            Role::System,
            now,
            Clockwork {
                calendar: &calendar,
                hours: &hours,
            },
        )?;
        let appended = svc
            .store
            .append_event(
                dossier.id,
                dossier.event_count,
                NewEvent {
                    actor: None,
                    event,
                    attachments: Vec::new(),
                    jobs: Vec::new(),
                },
            )
            .await;
        let updated = match appended {
            Ok(updated) => updated,
            // Someone acted first (an officer confirmed it at the counter).
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        if let Some(procedure) = procedure_of(svc, &updated).await? {
            notices::stage_changed(svc, &updated, &procedure, updated.event_count, None, now)
                .await?;
        }
    }
    Ok(())
}

/// What follows a settled payment, after the settlement's own commit:
/// the dossiers it completes resume, and what is to be given back on each
/// dossier it covers is (see [`refund_for`]). Each step does only what is
/// still undone, so a repeated notice runs them again safely (a crash
/// between the commit and these leaves them to the gateway's retry;
/// failing that, the officer confirms by hand). Failures are logged: the
/// money is recorded either way.
async fn follow_up(svc: &Services, payment: &Payment, now: DateTime<Utc>) {
    let reference = payment.reference.as_str();
    if let Err(e) = confirm_paid(svc, payment, now).await {
        tracing::error!(reference, error = %e, "a paid dossier was not confirmed");
    }
    for id in payment.dossiers() {
        if let Err(e) = refund_for(svc, id, "Hồ sơ đã kết thúc trước khi thanh toán", now).await
        {
            tracing::error!(reference, dossier = %id, error = %e, "a refund due was not recorded");
        }
    }
}

/// Why a fee paid twice is given back.
const PAID_TWICE: &str = "Khoản đã nộp trước đó (nộp trùng)";

/// Gives back, on each settled payment of `dossier`, what is due to the
/// payer and not given back yet: what the payment collected twice, and —
/// once the dossier is refused or withdrawn — the refundable fees it paid
/// (`reason` says why). Each refund is recorded against its payment with
/// an event on the timeline. The amount is worked out from one reading of
/// the earlier refunds, which the store checks again under its lock: of
/// two callers working at once, one records and the other is refused.
pub async fn refund_for(
    svc: &Services,
    dossier: DossierId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Refund>, AppError> {
    let Some(record) = svc.store.dossier(dossier).await? else {
        return Ok(Vec::new());
    };
    let fees = fees_of(svc, &record).await?;
    let back = super::gives_fees_back(&record);
    let mut out = Vec::new();
    for payment in &fees.payments {
        let Some(paid) = fees.paid.get(&payment.id) else {
            continue;
        };
        let due = paid.surplus + if back { paid.refundable } else { 0 };
        let before = refunded(svc, payment, dossier).await?;
        let amount_vnd = due.saturating_sub(before);
        if amount_vnd == 0 {
            continue;
        }
        // Earlier refunds are taken to have given back the surplus first.
        let surplus_left = paid.surplus.saturating_sub(before);
        let why = if surplus_left == 0 {
            reason.to_owned()
        } else if amount_vnd > surplus_left {
            format!("{reason}; {}", PAID_TWICE.to_lowercase())
        } else {
            PAID_TWICE.to_owned()
        };
        let id = RefundId::new();
        // Through the sandbox the money goes back at once; through the
        // gateway the collecting agency pays it back by transfer, and the
        // refund is recorded without a provider reference.
        let provider_ref = (svc.payments.refunds_itself()
            && payment.provider == svc.payments.name())
        .then(|| format!("RF{}", id.uuid().simple()).to_ascii_uppercase());
        out.push(
            svc.store
                .record_refund(NewRefund {
                    id,
                    payment: payment.id,
                    dossier,
                    amount_vnd,
                    refunded_before: before,
                    reason: why,
                    provider_ref,
                    at: now,
                })
                .await?,
        );
    }
    Ok(out)
}

/// What was given back on `payment` for `dossier` so far.
async fn refunded(svc: &Services, payment: &Payment, dossier: DossierId) -> Result<u64, AppError> {
    Ok(svc
        .store
        .refunds_of_payment(payment.id)
        .await?
        .iter()
        .filter(|r| r.dossier == dossier)
        .map(|r| r.amount_vnd)
        .sum())
}

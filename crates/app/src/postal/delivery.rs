//! The postal worker delivers a result (QĐ 45/2016 Art. 9): each failed
//! attempt is recorded with why; a delivery names the recipient and the
//! identity document checked, and returns the result on the dossier; after
//! two failed attempts two working days apart the result may go back to
//! the agency, where the applicant collects it at the counter.
//!
//! The same steps come from a postal operator's own system as pushes
//! ([`super::carrier`]); both are followed alike ([`super::follow`]).

use chrono::{DateTime, Utc};
use motcua_domain::lifecycle::{Recipient, Role};
use motcua_domain::postal::consignment::{Status, Step};
use motcua_store::{ConsignmentId, ConsignmentRecord};

use super::steps::take;
use super::{PostalProblem, follow};
use crate::applicant::reason_text;
use crate::office::act::checked_recipient;
use crate::office::scope::Official;
use crate::{AppError, Services};

/// What the postal worker reports of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not delivered, and why (nobody home, address not found, refused).
    Failed { note: String },
    /// Delivered to `recipient`, whose identity document `identity` was
    /// checked.
    Delivered { recipient: String, identity: String },
    /// Taken back to the agency after the failed attempts.
    Returned,
}

/// `worker` records `outcome` on consignment `id` at `now`. Only a postal
/// worker of the post office the result was handed to reports on it.
/// Reported delivered again, a delivery already recorded has its
/// follow-up finished (the result returned on the dossier) and nothing
/// else.
pub async fn report(
    svc: &Services,
    worker: &Official,
    id: ConsignmentId,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<ConsignmentRecord, AppError> {
    let consignment = svc
        .store
        .consignment(id)
        .await?
        .ok_or(AppError::NotFound("consignment"))?;
    let post_office = svc
        .store
        .handover_of_consignment(id)
        .await?
        .map(|r| r.post_office)
        .ok_or(AppError::NotFound("consignment"))?;
    if !worker.holds(Role::PostalWorker, post_office) {
        return Err(PostalProblem::NotServed.into());
    }
    let step = match outcome {
        Outcome::Failed { note } => Step::Attempt {
            note: reason_text("note", &note)?,
        },
        Outcome::Delivered {
            recipient,
            identity,
        } => {
            let r = checked_recipient(Recipient {
                name: recipient,
                identity,
            })?;
            Step::Deliver {
                recipient: r.name,
                identity: r.identity,
            }
        }
        Outcome::Returned => Step::ReturnToAgency,
    };
    // The result must be one the dossier can still return: checked
    // before the delivery is recorded, so a refusal leaves nothing half
    // done.
    if let Step::Deliver { .. } = step
        && consignment.state.status != Status::Delivered
        && let Some(d) = svc.store.dossier(consignment.dossier).await?
        && !super::handover::goes_by_post(&d)
    {
        return Err(PostalProblem::NotForPost {
            code: d.code.as_str().to_owned(),
        }
        .into());
    }
    if consignment.state.status == Status::Delivered && matches!(step, Step::Deliver { .. }) {
        let delivered = svc
            .store
            .consignment_steps(id)
            .await?
            .into_iter()
            .rev()
            .find(|s| matches!(s.step, Step::Deliver { .. }));
        if let Some(done) = delivered {
            follow::after_step(svc, &consignment, &done.step, done.seq, now).await?;
        }
        return Ok(consignment);
    }
    take(svc, &consignment, Some(worker.user.id), step, now).await
}

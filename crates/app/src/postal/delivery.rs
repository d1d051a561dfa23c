//! The postal worker delivers a result (QĐ 45/2016 Art. 9): each failed
//! attempt is recorded with why; a delivery names the recipient and the
//! identity document checked, and returns the result on the dossier; after
//! two failed attempts two working days apart the result may go back to
//! the agency, where the applicant collects it at the counter.
//!
//! The same steps come from a postal operator's own system as pushes
//! ([`super::carrier`]); both are followed alike ([`super::follow`]).

use chrono::{DateTime, Utc};
use motcua_domain::postal::consignment::Step;
use motcua_store::{ConsignmentId, ConsignmentRecord};

use super::pickup::record_step;
use super::{PostalProblem, follow, offices};
use crate::office::scope::Official;
use crate::{AppError, Services, apply};

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

/// `worker` records `outcome` on consignment `id` at `now`.
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
    offices::seat_for(svc, worker, consignment.agency).await?;
    let clean = |text: &str| motcua_domain::text::nfc(text.trim()).into_owned();
    let step = match outcome {
        Outcome::Failed { note } => Step::Attempt { note: clean(&note) },
        Outcome::Delivered {
            recipient,
            identity,
        } => Step::Deliver {
            recipient: clean(&recipient),
            identity: clean(&identity),
        },
        Outcome::Returned => Step::ReturnToAgency,
    };
    let calendar = apply::work_calendar(svc).await?;
    let next = consignment
        .state
        .apply(&step, now, &calendar)
        .map_err(PostalProblem::from)?;
    let done = record_step(
        svc,
        &consignment,
        Some(worker.user.id),
        step.clone(),
        next,
        now,
    )
    .await?;
    follow::after_step(svc, &done, &step, done.steps, now).await?;
    Ok(done)
}

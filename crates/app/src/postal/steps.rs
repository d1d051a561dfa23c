//! Recording a consignment's step: the domain's rules give the next state,
//! the store records it against the version read, and what follows the
//! step is done ([`super::follow`]).

use chrono::{DateTime, Utc};
use motcua_domain::postal::consignment::{Consignment, Step};
use motcua_store::{ConsignmentRecord, NewConsignmentStep, UserId};

use super::{PostalProblem, follow};
use crate::{AppError, Services, apply};

/// Records `step` (giving `next`) on `consignment` as read; a step someone
/// else recorded meanwhile is a conflict (read again and retry).
async fn record_step(
    svc: &Services,
    consignment: &ConsignmentRecord,
    actor: Option<UserId>,
    step: Step,
    next: Consignment,
    at: DateTime<Utc>,
) -> Result<ConsignmentRecord, AppError> {
    Ok(svc
        .store
        .record_consignment_step(NewConsignmentStep {
            consignment: consignment.id,
            expected_steps: consignment.steps,
            actor,
            step,
            next,
            at,
        })
        .await?)
}

/// Records `step` on `consignment` as read, by `actor`, at `at`: refused
/// by the rules or by a step recorded meanwhile (a conflict).
pub(crate) async fn record(
    svc: &Services,
    consignment: &ConsignmentRecord,
    actor: Option<UserId>,
    step: Step,
    at: DateTime<Utc>,
) -> Result<ConsignmentRecord, AppError> {
    let calendar = apply::work_calendar(svc).await?;
    let next = consignment
        .state
        .apply(&step, at, &calendar)
        .map_err(PostalProblem::from)?;
    record_step(svc, consignment, actor, step, next, at).await
}

/// [`record`]s `step`, then does what follows it.
pub(crate) async fn take(
    svc: &Services,
    consignment: &ConsignmentRecord,
    actor: Option<UserId>,
    step: Step,
    at: DateTime<Utc>,
) -> Result<ConsignmentRecord, AppError> {
    let done = record(svc, consignment, actor, step.clone(), at).await?;
    follow::after_step(svc, &done, &step, done.steps, at).await?;
    Ok(done)
}

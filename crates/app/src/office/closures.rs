//! ND 118/2025 Art. 19(5): a dossier whose appraisal supplement has not
//! come when its period ends is closed. motcua does it itself (the
//! `System` role), records it on the timeline and tells the applicant.
//!
//! [`schedule`] queues one sweep per hour (key `office.closures:<hour>`),
//! however many servers ask; [`close_due`] closes what is due. Two sweeps
//! racing on one dossier cannot both close it: the store appends an event
//! only to the state it was decided on.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use motcua_domain::lifecycle::{Action, Clockwork, Role, Stage};
use motcua_store::{Job, NewJob};
use serde_json::json;

use super::act::hours_of;
use super::system;
use crate::jobs::{JobError, JobHandler};
use crate::{AppError, Services, apply};

/// The job kind of a sweep.
pub const CLOSURES_JOB: &str = "office.closures";

/// Queues the sweep of the hour `now` falls in. Whether it was queued now.
pub async fn schedule(svc: &Services, now: DateTime<Utc>) -> Result<bool, AppError> {
    let hour = now.format("%Y-%m-%dT%H");
    let job =
        NewJob::new(CLOSURES_JOB, json!({}), now).idempotency_key(format!("{CLOSURES_JOB}:{hour}"));
    Ok(svc.store.enqueue(job).await?.is_some())
}

/// Closes every dossier whose appraisal supplement never came, at `now`.
/// How many were closed.
pub async fn close_due(svc: &Services, now: DateTime<Utc>) -> Result<usize, AppError> {
    let calendar = apply::work_calendar(svc).await?;
    let mut closed = 0;
    for dossier in system::open_dossiers(svc, &[Stage::AppraisalSupplement]).await? {
        if dossier
            .state
            .deadlines
            .supplement_closure
            .is_none_or(|end| end >= now)
        {
            continue;
        }
        let hours = hours_of(svc, &dossier).await?;
        let event = match dossier.state.decide(
            Action::CloseForMissingSupplement,
            Role::System,
            now,
            Clockwork {
                calendar: &calendar,
                hours: &hours,
            },
        ) {
            Ok(event) => event,
            // Not under ND 118, or the period still runs: left as it is.
            Err(e) => {
                tracing::debug!(code = dossier.code.as_str(), error = %e, "not closed");
                continue;
            }
        };
        // `None`: the supplement came, or another sweep closed it, meanwhile.
        if system::record(svc, &dossier, event, None, now)
            .await?
            .is_some()
        {
            closed += 1;
        }
    }
    Ok(closed)
}

/// Runs a sweep.
pub struct ClosuresHandler(pub Arc<Services>);

#[async_trait::async_trait]
impl JobHandler for ClosuresHandler {
    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        close_due(&self.0, Utc::now())
            .await
            .map(|n| {
                if n > 0 {
                    tracing::info!(
                        closed = n,
                        "dossiers closed for a supplement that never came"
                    );
                }
            })
            .map_err(|e| JobError::Temporary(e.to_string()))
    }
}

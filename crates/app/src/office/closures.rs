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
use motcua_store::{DossierRecord, Job, NewEvent, NewJob, QueueQuery, StoreError};
use serde_json::json;

use super::act::hours_of;
use crate::jobs::{JobError, JobHandler};
use crate::{AppError, Services, apply, notices};

/// The job kind of a sweep.
pub const CLOSURES_JOB: &str = "office.closures";

/// Dossiers read per page of the sweep.
const PAGE: u32 = 200;

/// Queues the sweep of the hour `now` falls in. Whether it was queued now.
pub async fn schedule(svc: &Services, now: DateTime<Utc>) -> Result<bool, AppError> {
    let hour = now.format("%Y-%m-%dT%H");
    let job =
        NewJob::new(CLOSURES_JOB, json!({}), now).idempotency_key(format!("{CLOSURES_JOB}:{hour}"));
    Ok(svc.store.enqueue(job).await?.is_some())
}

/// The dossiers waiting for an appraisal supplement whose closure period
/// ended before `now`.
async fn due(svc: &Services, now: DateTime<Utc>) -> Result<Vec<DossierRecord>, AppError> {
    let agencies: Vec<_> = apply::all_agencies(svc)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let mut found = Vec::new();
    let mut offset = 0;
    loop {
        let page = svc
            .store
            .office_queue(&QueueQuery {
                stages: vec![Stage::AppraisalSupplement],
                offset,
                ..QueueQuery::of(agencies.clone(), PAGE)
            })
            .await?;
        let last = page.len() < PAGE as usize;
        found.extend(page.into_iter().filter(|d| {
            d.state
                .deadlines
                .supplement_closure
                .is_some_and(|end| end < now)
        }));
        if last {
            return Ok(found);
        }
        offset += PAGE;
    }
}

/// Closes every dossier whose appraisal supplement never came, at `now`.
/// How many were closed.
pub async fn close_due(svc: &Services, now: DateTime<Utc>) -> Result<usize, AppError> {
    let calendar = apply::work_calendar(svc).await?;
    let mut closed = 0;
    for dossier in due(svc, now).await? {
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
        let updated = match svc
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
            .await
        {
            Ok(updated) => updated,
            // The supplement came, or another sweep closed it, meanwhile.
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        if let Some(v) = svc
            .store
            .procedure_in_force(&updated.procedure_code, updated.procedure_version)
            .await?
        {
            notices::stage_changed(svc, &updated, &v.procedure, updated.event_count, None, now)
                .await?;
        }
        closed += 1;
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

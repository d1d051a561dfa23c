//! Publishing an official holiday schedule (a year's breaks, or a
//! correction of one) after dossiers were accepted: the schedule in the
//! store is replaced, and every open dossier whose legal due date counts
//! differently on the new calendar gets a `recompute-due` event — moved on
//! its timeline, never silently — and its applicant is told.

use chrono::{DateTime, Utc};
use motcua_domain::calendar::{OfficialBreak, schedule};
use motcua_domain::forms::Problem;
use motcua_domain::lifecycle::{Action, Clockwork, Role, Stage};
use motcua_store::{NewAuditEntry, NewEvent, QueueQuery, StoreError};
use serde_json::json;

use super::act::hours_of;
use super::scope::Official;
use crate::{AppError, Services, apply, notices};

/// The stages whose legal due date still matters.
const OPEN: [Stage; 5] = [
    Stage::Accepted,
    Stage::InProcess,
    Stage::AtOtherAgency,
    Stage::AwaitingApproval,
    Stage::AwaitingPayment,
];

/// What a publication did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub breaks: usize,
    /// Open dossiers whose due date moved.
    pub moved: usize,
}

/// Replaces the official breaks of `year` and recomputes the open due
/// dates. `by` is `None` on the server's command line; an official must be
/// a system administrator.
pub async fn publish_year(
    svc: &Services,
    by: Option<&Official>,
    year: i32,
    breaks: Vec<OfficialBreak>,
    now: DateTime<Utc>,
) -> Result<Published, AppError> {
    if by.is_some_and(|o| !o.has_role(Role::SystemAdmin)) {
        return Err(AppError::NotFound("agency"));
    }
    if breaks
        .iter()
        .any(|b| b.holiday_year != year || schedule::validate(b).is_err())
    {
        return Err(AppError::field("breaks", Problem::NotAnOption));
    }
    svc.store.replace_holiday_year(year, &breaks).await?;
    svc.store
        .audit(NewAuditEntry {
            at: now,
            actor: by.map(|o| o.user.id),
            action: "calendar.publish".into(),
            subject: year.to_string(),
            details: json!({
                "breaks": breaks.iter().map(|b| json!({"from": b.from, "to": b.to})).collect::<Vec<_>>(),
            }),
        })
        .await?;
    let reason = format!("Lịch nghỉ năm {year} được công bố hoặc đính chính");
    let moved = recompute_open(svc, &reason, now).await?;
    Ok(Published {
        breaks: breaks.len(),
        moved,
    })
}

/// Counts every open dossier's due date again on the calendar in the store
/// and records each one that moved. How many moved.
pub async fn recompute_open(
    svc: &Services,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let calendar = apply::work_calendar(svc).await?;
    let agencies: Vec<_> = apply::all_agencies(svc)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    // Read every open dossier first: moving a due date reorders the queue,
    // so paging while writing would skip some.
    let mut open = Vec::new();
    let mut offset = 0;
    const PAGE: u32 = 500;
    loop {
        let page = svc
            .store
            .office_queue(&QueueQuery {
                stages: OPEN.to_vec(),
                offset,
                ..QueueQuery::of(agencies.clone(), PAGE)
            })
            .await?;
        let last = page.len() < PAGE as usize;
        open.extend(page);
        if last {
            break;
        }
        offset += PAGE;
    }
    let mut moved = 0;
    for dossier in open {
        let hours = hours_of(svc, &dossier).await?;
        let cw = Clockwork {
            calendar: &calendar,
            hours: &hours,
        };
        let clock = &dossier.state.clock;
        match dossier.state.recomputed_due(cw) {
            Ok((original, due))
                if Some(original) == clock.original_due && Some(due) == clock.due =>
            {
                continue;
            }
            Ok(_) => {}
            Err(_) => continue,
        }
        let event = dossier.state.decide(
            Action::RecomputeDue {
                reason: reason.to_owned(),
            },
            Role::System,
            now.max(dossier.state.last_event_at),
            cw,
        )?;
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
            // Someone acted on it meanwhile; its next action counts on the
            // new calendar anyway.
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        if let Some(v) = svc
            .store
            .procedure_in_force(&updated.procedure_code, updated.procedure_version)
            .await?
        {
            notices::stage_changed(
                svc,
                &updated,
                &v.procedure,
                updated.event_count,
                Some(reason),
                now,
            )
            .await?;
        }
        moved += 1;
    }
    Ok(moved)
}

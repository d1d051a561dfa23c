//! Publishing an official holiday schedule (a year's breaks, or a
//! correction of one) after dossiers were accepted: the schedule in the
//! store is replaced, and every open dossier whose legal due date counts
//! differently on the new calendar (or an online dossier whose answer is
//! due, or whose appraisal-supplement window is still open) gets a
//! `recompute-due` event — moved on
//! its timeline, never silently — and its applicant is told.

use chrono::{DateTime, Utc};
use motcua_domain::calendar::{OfficialBreak, schedule};
use motcua_domain::forms::Problem;
use motcua_domain::lifecycle::{Action, ActionKind, Clockwork, Role, Stage};
use motcua_store::{DossierRecord, NewAuditEntry};
use serde_json::json;

use super::act::hours_of;
use super::scope::Official;
use super::system;
use crate::{AppError, Services, apply};

/// The stages where a due date or a deadline ahead still matters: an
/// online dossier waiting for its answer, a running (or payment-paused)
/// clock, an appraisal supplement's period to complete it (ND 118).
const OPEN: [Stage; 7] = [
    Stage::AwaitingReception,
    Stage::AppraisalSupplement,
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

/// When the period to answer an online dossier began: its entry, or the
/// completion of its reception supplement, as the timeline records.
async fn reception_start(
    svc: &Services,
    dossier: &DossierRecord,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let events = svc.store.events(dossier.id).await?;
    Ok(events
        .iter()
        .rev()
        .find(|e| {
            matches!(
                e.action,
                ActionKind::Enter | ActionKind::CompleteReceptionSupplement
            )
        })
        .map(|e| e.at))
}

/// Counts every open dossier's due date again on the calendar in the store
/// and records each one that moved. How many moved.
pub async fn recompute_open(
    svc: &Services,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let calendar = apply::work_calendar(svc).await?;
    let mut moved = 0;
    for dossier in system::open_dossiers(svc, &OPEN).await? {
        let hours = hours_of(svc, &dossier).await?;
        let cw = Clockwork {
            calendar: &calendar,
            hours: &hours,
        };
        let state = &dossier.state;
        let reception_from = if state.stage == Stage::AwaitingReception {
            if state.deadlines.reception.is_none() {
                continue;
            }
            reception_start(svc, &dossier).await?
        } else {
            None
        };
        let action = Action::RecomputeDue {
            reason: reason.to_owned(),
            reception_from,
        };
        let Ok(event) = state.decide(action, Role::System, now.max(state.last_event_at), cw) else {
            continue;
        };
        let mut after = state.clone();
        after.apply(&event);
        if after.clock.due == state.clock.due
            && after.clock.original_due == state.clock.original_due
            && after.deadlines == state.deadlines
            && after.open_steps == state.open_steps
        {
            continue;
        }
        // `None`: someone acted on it meanwhile; its next action counts on
        // the new calendar anyway.
        if system::record(svc, &dossier, event, Some(reason), now)
            .await?
            .is_some()
        {
            moved += 1;
        }
    }
    Ok(moved)
}

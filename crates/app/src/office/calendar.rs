//! Publishing an official holiday schedule (a year's breaks, or a
//! correction of one) after dossiers were accepted: the schedule in the
//! store is replaced, and every open dossier whose legal due date counts
//! differently on the new calendar gets a `recompute-due` event — moved on
//! its timeline, never silently — and its applicant is told.

use chrono::{DateTime, Utc};
use motcua_domain::calendar::{OfficialBreak, schedule};
use motcua_domain::forms::Problem;
use motcua_domain::lifecycle::{Action, Clockwork, Role, Stage};
use motcua_store::NewAuditEntry;
use serde_json::json;

use super::act::hours_of;
use super::scope::Official;
use super::system;
use crate::{AppError, Services, apply};

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
    let mut moved = 0;
    for dossier in system::open_dossiers(svc, &OPEN).await? {
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

//! The daily digest: each working day, every official who handles dossiers
//! gets one e-mail listing the dossiers of their agencies that are overdue
//! or fall due by the end of the next working day — the warning the law
//! asks for at least one working day before a dossier falls due — and,
//! likewise, the steps their agencies were asked for (each step has its own
//! due date). Sent through the jobs table like every message.
//!
//! [`schedule`] is called often (every few minutes by each server); the
//! day's digest is one job under the key `office.digest:<day>`, so however
//! many nodes ask, it runs once. Its handler queues one e-mail per official
//! under `office.digest:<day>:<user>`, so a retried run sends nothing twice.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use motcua_domain::calendar;
use motcua_domain::lifecycle::Stage;
use motcua_i18n::Arg;
use motcua_store::{AgencyId, DossierRecord, Job, NewJob, QueueQuery};
use serde_json::json;

use super::scope::{self, HANDLING_ROLES, Official};
use super::{inbox, system};
use crate::accounts::language_of;
use crate::jobs::{JobError, JobHandler};
use crate::outbox::EmailMessage;
use crate::{AppError, Services, apply};

/// The job kind of the day's digest.
pub const DIGEST_JOB: &str = "office.digest";

/// When the digest goes out, in Vietnam's time: before the offices open.
pub fn send_time() -> NaiveTime {
    NaiveTime::from_hms_opt(7, 0, 0).unwrap_or(NaiveTime::MIN)
}

/// The most dossiers one digest lists (the queue has the rest).
pub const LISTED: u32 = 30;

/// Dossiers read per page when looking for steps due.
const PAGE: u32 = 500;

/// Queues the digest of the working day `now` falls on (none on a day
/// off), to run at [`send_time`] or at once when that has passed. Whether it
/// was queued now (false: it already was, or no digest today).
pub async fn schedule(svc: &Services, now: DateTime<Utc>) -> Result<bool, AppError> {
    let calendar = apply::work_calendar(svc).await?;
    let day = calendar::to_local(now).date();
    if !calendar.is_working_day(day)? {
        return Ok(false);
    }
    let at = calendar::to_utc(day.and_time(send_time()));
    let job = NewJob::new(DIGEST_JOB, json!({ "day": day.to_string() }), at.max(now))
        .idempotency_key(format!("{DIGEST_JOB}:{day}"));
    Ok(svc.store.enqueue(job).await?.is_some())
}

/// Every official who handles dossiers somewhere, once.
async fn officials(svc: &Services) -> Result<Vec<Official>, AppError> {
    let agencies: Vec<_> = apply::all_agencies(svc)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for agency in agencies {
        for grant in svc.store.grants_at(agency).await? {
            if !HANDLING_ROLES.contains(&grant.role) || !seen.insert(grant.user) {
                continue;
            }
            if let Some(user) = svc.store.user(grant.user).await?
                && let Ok(official) = Official::of(svc, user).await
            {
                out.push(official);
            }
        }
    }
    Ok(out)
}

/// How far ahead a digest warns: to the end of the next working day, so a
/// dossier is listed at least one working day before it falls due (due
/// dates fall at the close of an office day, hence the bound is taken
/// inclusive).
async fn horizon(svc: &Services, now: DateTime<Utc>) -> Result<DateTime<Utc>, AppError> {
    let end = inbox::working_days_after(svc, now, 2).await?;
    Ok(end + TimeDelta::microseconds(1))
}

/// The steps `agencies` were handed that are overdue or fall due before
/// `soon` (a step has its own due date, earlier than the dossier's): each
/// dossier with the step's due date and task.
async fn steps_due(
    svc: &Services,
    agencies: &[AgencyId],
    soon: DateTime<Utc>,
) -> Result<Vec<(DossierRecord, DateTime<Utc>, String)>, AppError> {
    let ours = scope::identifiers(svc, agencies.iter().copied()).await?;
    // Every dossier waiting for other agencies, not only the first few: the
    // queue sorts them by their own due date, not their steps'.
    let waiting = system::whole_queue(
        svc,
        QueueQuery {
            stages: vec![Stage::AtOtherAgency],
            ..QueueQuery::of(agencies.to_vec(), PAGE)
        },
    )
    .await?;
    let mut found = Vec::new();
    for d in waiting {
        let owed: Vec<(DateTime<Utc>, String)> = d
            .state
            .open_steps
            .iter()
            .filter(|s| ours.contains(&s.agency))
            .filter_map(|s| Some((s.due.filter(|due| *due < soon)?, s.task.clone())))
            .collect();
        for (due, task) in owed {
            found.push((d.clone(), due, task));
        }
    }
    Ok(found)
}

/// The dossiers `agencies` receive or decide that are overdue or fall due
/// before `soon`, most urgent first. A dossier they only had a step on is
/// not their work: its step is counted by its own due date ([`steps_due`]),
/// and once answered, not at all.
async fn own_work_due(
    svc: &Services,
    agencies: &[AgencyId],
    soon: DateTime<Utc>,
) -> Result<Vec<DossierRecord>, AppError> {
    let urgent = system::whole_queue(
        svc,
        QueueQuery {
            due_before: Some(soon),
            ..QueueQuery::of(agencies.to_vec(), PAGE)
        },
    )
    .await?;
    Ok(urgent
        .into_iter()
        .filter(|d| agencies.contains(&d.receiving_unit) || agencies.contains(&d.deciding_agency))
        .collect())
}

/// What a set of agencies owes that is overdue or due soon.
struct Work {
    rows: Vec<DossierRecord>,
    steps: Vec<(DossierRecord, DateTime<Utc>, String)>,
}

/// Writes the digests of `day` at `now`: one e-mail job per official with
/// something overdue or due soon. How many were queued.
pub async fn send(svc: &Services, day: NaiveDate, now: DateTime<Utc>) -> Result<usize, AppError> {
    let soon = horizon(svc, now).await?;
    let mut queued = 0;
    // The officials of one agency share its work: read once per set of
    // agencies, not once per official.
    let mut work: HashMap<Vec<AgencyId>, Work> = HashMap::new();
    for official in officials(svc).await? {
        let Some(address) = official.user.email.clone() else {
            continue;
        };
        let mut agencies = official.handling_agencies();
        agencies.sort();
        if !work.contains_key(&agencies) {
            let found = Work {
                rows: own_work_due(svc, &agencies, soon).await?,
                steps: steps_due(svc, &agencies, soon).await?,
            };
            work.insert(agencies.clone(), found);
        }
        let Work { rows, steps } = &work[&agencies];
        let dues = rows
            .iter()
            .filter_map(|d| d.columns.work_due)
            .chain(steps.iter().map(|(_, due, _)| *due));
        let (overdue, due_soon) = dues.fold((0u64, 0u64), |(late, soon), due| {
            if due < now {
                (late + 1, soon)
            } else {
                (late, soon + 1)
            }
        });
        if overdue + due_soon == 0 {
            continue;
        }
        let lang = language_of(&official.user);
        let line = |d: &DossierRecord, what: String, due: Option<DateTime<Utc>>| {
            // dd/mm/yyyy and the time in Vietnam, as the pages show it.
            let when = due
                .map(|t| calendar::to_local(t).format("%H:%M %d/%m/%Y").to_string())
                .unwrap_or_default();
            let mark = if due.is_some_and(|t| t < now) {
                lang.tr("office-overdue")
            } else {
                lang.tr("office-soon")
            };
            format!(
                "- {} · {} · {} · {} ({})",
                d.code.as_str(),
                d.applicant.name,
                what,
                when,
                mark
            )
        };
        let lines: Vec<String> = rows
            .iter()
            .take(LISTED as usize)
            .map(|d| {
                let stage = lang.tr(&format!("stage-{}", d.state.stage.key()));
                line(d, stage, d.columns.work_due)
            })
            .chain(steps.iter().take(LISTED as usize).map(|(d, due, task)| {
                let what = lang.tr_args("office-digest-step", &[("task", Arg::from(task.clone()))]);
                line(d, what, Some(*due))
            }))
            .collect();
        let message = EmailMessage {
            to: address,
            subject: lang.tr_args(
                "mail-digest-subject",
                &[
                    ("overdue", Arg::from(overdue)),
                    ("soon", Arg::from(due_soon)),
                ],
            ),
            text: lang.tr_args(
                "mail-digest-body",
                &[
                    ("name", Arg::from(official.user.full_name.clone())),
                    ("overdue", Arg::from(overdue)),
                    ("soon", Arg::from(due_soon)),
                    ("list", Arg::from(lines.join("\n"))),
                    ("link", Arg::from(svc.settings.link("/can-bo?gap=1"))),
                ],
            ),
        };
        let job = message
            .job(format!("{DIGEST_JOB}:{day}:{}", official.user.id), now)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if svc.store.enqueue(job).await?.is_some() {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Runs the day's digest job.
pub struct DigestHandler(pub Arc<Services>);

#[async_trait::async_trait]
impl JobHandler for DigestHandler {
    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let day: NaiveDate = job
            .payload
            .get("day")
            .and_then(|d| d.as_str())
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| JobError::Permanent("a digest without its day".into()))?;
        send(&self.0, day, Utc::now())
            .await
            .map(|_| ())
            .map_err(|e| JobError::Temporary(e.to_string()))
    }
}

//! An official's queue: the dossiers of their agencies that still need the
//! office, the most urgent first, with how many are overdue or due within a
//! working day — the warning the law asks for before a dossier falls due.

use chrono::{DateTime, TimeDelta, Utc};
use motcua_domain::lifecycle::{Clockwork, Stage};
use motcua_store::{DossierRecord, QueueCounts, QueueQuery};

use super::scope::Official;
use crate::{AppError, Services, apply};

/// Rows on one page of the queue.
pub const PAGE_ROWS: u32 = 50;

/// What the official narrows the queue to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only these stages (empty: all).
    pub stages: Vec<Stage>,
    /// Only those assigned to them.
    pub mine: bool,
    /// Only those overdue or due within a working day.
    pub urgent: bool,
    /// A code, an identity number or part of the applicant's name.
    pub search: Option<String>,
    /// From 0.
    pub page: u32,
}

/// A page of the queue and the counts over all of it.
#[derive(Debug, Clone)]
pub struct Inbox {
    pub rows: Vec<DossierRecord>,
    pub counts: QueueCounts,
    /// "Due soon" means due before this instant.
    pub soon: DateTime<Utc>,
    pub page: u32,
    pub has_more: bool,
}

/// One working day of the standard office hours after `now` on the legal
/// calendar: what "due soon" means.
pub async fn soon_after(svc: &Services, now: DateTime<Utc>) -> Result<DateTime<Utc>, AppError> {
    working_days_after(svc, now, 1).await
}

/// `days` working days of the standard office hours after `now` on the
/// legal calendar.
pub async fn working_days_after(
    svc: &Services,
    now: DateTime<Utc>,
    days: i32,
) -> Result<DateTime<Utc>, AppError> {
    let calendar = apply::work_calendar(svc).await?;
    let hours = motcua_domain::calendar::OfficeHours::standard();
    let cw = Clockwork {
        calendar: &calendar,
        hours: &hours,
    };
    Ok(cw.add_working_time(now, hours.day_length() * days)?)
}

/// The queue of `official` at `now`.
pub async fn inbox(
    svc: &Services,
    official: &Official,
    filter: &Filter,
    now: DateTime<Utc>,
) -> Result<Inbox, AppError> {
    let agencies = official.handling_agencies();
    let soon = soon_after(svc, now).await?;
    let counts = svc.store.office_counts(&agencies, now, soon).await?;
    let query = QueueQuery {
        agencies,
        stages: filter.stages.clone(),
        assignee: filter.mine.then(|| official.assignee_key()),
        due_before: filter.urgent.then_some(soon),
        search: filter.search.clone(),
        // One more than shown tells whether there is a next page.
        limit: PAGE_ROWS + 1,
        offset: filter.page.saturating_mul(PAGE_ROWS),
    };
    let mut rows = svc.store.office_queue(&query).await?;
    let has_more = rows.len() > PAGE_ROWS as usize;
    rows.truncate(PAGE_ROWS as usize);
    Ok(Inbox {
        rows,
        counts,
        soon,
        page: filter.page,
        has_more,
    })
}

/// How far a dossier is from its next deadline at `now` (negative: late).
pub fn time_left(dossier: &DossierRecord, now: DateTime<Utc>) -> Option<TimeDelta> {
    dossier.columns.work_due.map(|due| due - now)
}

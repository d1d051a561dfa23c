use chrono::{DateTime, Utc};
use motcua_domain::lifecycle::Stage;

use crate::ids::AgencyId;

/// What an official asks of the back office's queue: the dossiers that
/// still need the office ([`crate::StateColumns::in_office`]) at some
/// agencies, the most urgent first (by the next deadline the office must
/// meet; those without one last), then by entry order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueQuery {
    /// Dossiers these agencies receive or decide, or owe an open step on.
    /// Empty: nothing.
    pub agencies: Vec<AgencyId>,
    /// Only these stages (empty: every stage the office still works on).
    pub stages: Vec<Stage>,
    /// Only those assigned to this specialist (a user id as text).
    pub assignee: Option<String>,
    /// Only those whose next deadline is before this instant (overdue or due
    /// soon).
    pub due_before: Option<DateTime<Utc>>,
    /// A dossier code or an identity number (exactly), or part of the
    /// applicant's name (diacritics and case ignored).
    pub search: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

impl QueueQuery {
    /// The first `limit` dossiers of `agencies`, unfiltered.
    pub fn of(agencies: Vec<AgencyId>, limit: u32) -> Self {
        QueueQuery {
            agencies,
            stages: Vec::new(),
            assignee: None,
            due_before: None,
            search: None,
            limit,
            offset: 0,
        }
    }
}

/// How much of an office's work is late or close to it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Every dossier the office still works on.
    pub open: u64,
    /// Past its next deadline.
    pub overdue: u64,
    /// Not yet past it, but before the "soon" instant asked about.
    pub due_soon: u64,
}

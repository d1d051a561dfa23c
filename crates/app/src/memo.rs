//! What the use cases keep between requests because it is costly to make
//! and rarely changes: the working calendar, and the procedure versions
//! the public pages name. Every node keeps its own; nothing here may make
//! a node disagree with the record on anything the law counts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use motcua_domain::calendar::{OfficialBreak, WorkCalendar};
use motcua_store::ProcedureVersion;

use crate::{AppError, Services};

/// How long a procedure version read for display is reused. A catalog
/// change shows on the tracking page and in the queue's names within this.
const SHOWN_PROCEDURE_LIFETIME: Duration = Duration::from_secs(60);

/// Past this many remembered versions the memo starts again (a province's
/// catalog has about two thousand procedures).
const SHOWN_PROCEDURE_LIMIT: usize = 8192;

type ShownKey = (String, NaiveDate);

/// Shared by every clone of [`Services`].
#[derive(Debug, Default, Clone)]
pub struct Memo {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The schedule a calendar was built from, and the calendar, whose
    /// years are worked out (lunar dates included) on first use and kept.
    calendar: Mutex<Option<(Vec<OfficialBreak>, Arc<WorkCalendar>)>>,
    shown: Mutex<HashMap<ShownKey, (Instant, Option<ProcedureVersion>)>>,
}

impl Memo {
    /// The calendar of `breaks`: the one built before if the schedule is
    /// the same, else a new one (kept for next time).
    pub(crate) fn calendar_of(
        &self,
        breaks: Vec<OfficialBreak>,
    ) -> Result<Arc<WorkCalendar>, AppError> {
        let mut kept = self
            .inner
            .calendar
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((schedule, calendar)) = kept.as_ref()
            && *schedule == breaks
        {
            return Ok(Arc::clone(calendar));
        }
        let calendar = Arc::new(
            WorkCalendar::new(breaks.clone()).map_err(|e| AppError::Internal(e.to_string()))?,
        );
        *kept = Some((breaks, Arc::clone(&calendar)));
        Ok(calendar)
    }

    fn shown(&self, key: &ShownKey, now: Instant) -> Option<Option<ProcedureVersion>> {
        let kept = self
            .inner
            .shown
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        kept.get(key)
            .filter(|(at, _)| now.duration_since(*at) < SHOWN_PROCEDURE_LIFETIME)
            .map(|(_, version)| version.clone())
    }

    fn keep_shown(&self, key: ShownKey, now: Instant, version: Option<ProcedureVersion>) {
        let mut kept = self
            .inner
            .shown
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if kept.len() >= SHOWN_PROCEDURE_LIMIT {
            kept.clear();
        }
        kept.insert(key, (now, version));
    }
}

/// The version of `code` in force on `on`, for a page that only shows it
/// (its name, its announced processing time): possibly read up to a minute
/// ago. What decides anything reads the store.
pub async fn shown_procedure(
    svc: &Services,
    code: &str,
    on: NaiveDate,
) -> Result<Option<ProcedureVersion>, AppError> {
    let key = (code.to_owned(), on);
    let now = Instant::now();
    if let Some(version) = svc.memo.shown(&key, now) {
        return Ok(version);
    }
    let version = svc.store.procedure_in_force(code, on).await?;
    svc.memo.keep_shown(key, now, version.clone());
    Ok(version)
}

//! How a dossier counts in a reporting period.
//!
//! The back office (its overdue warnings) and the statistics (Biểu II.06a,
//! the public dashboard) both classify dossiers with these functions, so the
//! two can never disagree. They are pure: given a dossier's state as of the
//! end of the period (or later) and the period, the answer follows.
//!
//! Definitions:
//! - **Received** counts only dossiers *accepted* (the legal reception;
//!   a dossier refused at reception or still awaiting its check is not
//!   received). *New* if accepted within the period — split online (its own
//!   portal or DVCQG) versus counter and post — *carried over* if accepted
//!   before it and not concluded by its start.
//! - **Concluded** within the period, for a received dossier: *resolved*
//!   (decided: granted, or refused after appraisal), *withdrawn* or
//!   *stopped* (including closure for a missing supplement). Every received
//!   dossier is either concluded within the period or pending at its end,
//!   never both.
//! - **Resolved** counts decisions within the period, judged against the
//!   **original** (legal) due date, the rescheduled date being kept beside
//!   it: *early* on an earlier day than the due date, *on time* on the due
//!   date, *late* on a later day. Days, not hours: the law ends a period at
//!   24:00 of its last day; our appointment at closing time is a courtesy
//!   that must not turn a same-day decision into a late one.
//! - **Pending** counts dossiers received and not concluded at the end of
//!   the period: *overdue* once the due day has ended (24:00), *within the
//!   limit* before; while the applicant is being waited for, as it stood
//!   when the wait began.
//! - **Not received**: refused at reception, or withdrawn or stopped before
//!   acceptance, counted by when it happened — outside the received totals.

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use serde::Serialize;

use crate::calendar;
use crate::lifecycle::{Clockwork, Dossier, LifecycleError, Outcome, Stage};

/// A reporting period `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReportingPeriod {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The period's end is not after its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a reporting period must end after it starts")]
pub struct EmptyPeriod;

impl ReportingPeriod {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, EmptyPeriod> {
        if end <= start {
            return Err(EmptyPeriod);
        }
        Ok(ReportingPeriod { start, end })
    }

    /// The days `first` to `last` inclusive, in Vietnam's time.
    pub fn days(first: NaiveDate, last: NaiveDate) -> Result<Self, EmptyPeriod> {
        let end = last.checked_add_days(Days::new(1)).ok_or(EmptyPeriod)?;
        ReportingPeriod::new(
            calendar::to_utc(first.and_time(chrono::NaiveTime::MIN)),
            calendar::to_utc(end.and_time(chrono::NaiveTime::MIN)),
        )
    }

    pub fn contains(&self, instant: DateTime<Utc>) -> bool {
        self.start <= instant && instant < self.end
    }
}

/// How a received dossier came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Intake {
    Online,
    CounterOrPost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Received {
    New(Intake),
    CarriedOver,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Timeliness {
    Early,
    OnTime,
    Late,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pending {
    WithinLimit,
    Overdue,
}

/// How a received dossier was concluded within the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Conclusion {
    /// Decided: granted, or refused after appraisal (the refusal is the
    /// result).
    Resolved {
        timeliness: Timeliness,
        outcome: Outcome,
    },
    /// Withdrawn by the applicant after acceptance.
    Withdrawn,
    /// Stopped after acceptance (the applicant's request, a sector law, or
    /// closure for a missing supplement).
    Stopped,
}

/// How a dossier that never became "received" ended within the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotReceived {
    RefusedAtReception,
    WithdrawnBeforeAcceptance,
    StoppedBeforeAcceptance,
}

/// How one dossier counts in one period. For a received dossier exactly one
/// of `concluded` and `pending` is set, so received = concluded + pending.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counting {
    pub received: Option<Received>,
    pub concluded: Option<Conclusion>,
    pub pending: Option<Pending>,
    pub not_received: Option<NotReceived>,
    /// Its due date was moved by an apology (shown beside the original).
    pub rescheduled: bool,
    /// Pending at the end of the period while the applicant was being
    /// asked for an appraisal supplement. Known for a wait still open in
    /// `d`; a wait that has closed since is not told apart from a wait
    /// for payment (the clock keeps no kind), so such a dossier stays in
    /// `pending`.
    pub awaiting_supplement: bool,
}

impl Counting {
    /// Early, on time or late, if the dossier was decided in the period.
    pub fn resolved(&self) -> Option<Timeliness> {
        match self.concluded {
            Some(Conclusion::Resolved { timeliness, .. }) => Some(timeliness),
            _ => None,
        }
    }
}

/// When the dossier was concluded, if it was.
fn concluded_at(d: &Dossier) -> Option<DateTime<Utc>> {
    match (d.clock.decided_at, d.clock.ended_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Early, on time or late: by the day of the decision against the day of
/// the legal due date.
pub fn timeliness(decided_at: DateTime<Utc>, original_due: DateTime<Utc>) -> Timeliness {
    let decided = calendar::to_local(decided_at).date();
    let due = calendar::to_local(original_due).date();
    match decided.cmp(&due) {
        std::cmp::Ordering::Less => Timeliness::Early,
        std::cmp::Ordering::Equal => Timeliness::OnTime,
        std::cmp::Ordering::Greater => Timeliness::Late,
    }
}

/// When the wait for the applicant that covers `instant` began, if one did.
fn pause_covering(d: &Dossier, instant: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let closed = d
        .clock
        .pauses
        .iter()
        .find(|p| p.from <= instant && instant < p.to)
        .map(|p| p.from);
    closed.or(d.clock.paused_since.filter(|since| *since <= instant))
}

/// The end (24:00) of the day a due instant falls on.
fn end_of_due_day(due: DateTime<Utc>) -> Option<DateTime<Utc>> {
    calendar::to_local(due)
        .date()
        .checked_add_days(Days::new(1))
        .map(|next| calendar::to_utc(next.and_time(chrono::NaiveTime::MIN)))
}

/// The state of a received, unconcluded dossier at `instant`; `None` if it
/// was not pending then. While the applicant is being waited for, the
/// dossier is judged as it stood when the wait began: a wait does not make
/// an overdue dossier timely, nor a timely one overdue.
pub fn pending_at(d: &Dossier, instant: DateTime<Utc>) -> Option<Pending> {
    let accepted = d.clock.accepted_at?;
    if accepted >= instant || concluded_at(d).is_some_and(|c| c < instant) {
        return None;
    }
    let Some(due_day_end) = d.clock.original_due.and_then(end_of_due_day) else {
        return Some(Pending::WithinLimit);
    };
    let judged_at = pause_covering(d, instant).unwrap_or(instant);
    if judged_at >= due_day_end {
        Some(Pending::Overdue)
    } else {
        Some(Pending::WithinLimit)
    }
}

/// Whether `d`, if pending at `instant`, was then waiting for the
/// applicant's appraisal supplement. Known for a wait still open; a closed
/// wait is not told apart from a wait for payment (the clock keeps no
/// kind).
pub fn awaiting_supplement_at(d: &Dossier, instant: DateTime<Utc>) -> bool {
    d.stage == Stage::AppraisalSupplement
        && d.clock.paused_since.is_some_and(|since| since < instant)
}

/// How `d` counts in `period`. `d` must reflect the dossier at least up to
/// the period's end; events after it do not change how received and
/// concluded are counted, but a later restart or payment pause moves the due
/// date used for "pending" — replay the timeline up to the end for an exact
/// historical report.
pub fn classify(d: &Dossier, period: &ReportingPeriod) -> Counting {
    let mut c = Counting {
        rescheduled: d.clock.rescheduled_at.is_some(),
        ..Counting::default()
    };
    let concluded = concluded_at(d);
    let Some(accepted) = d.clock.accepted_at else {
        if d.clock.ended_at.is_some_and(|t| period.contains(t)) {
            c.not_received = match d.stage {
                Stage::NotAccepted => Some(NotReceived::RefusedAtReception),
                Stage::Withdrawn => Some(NotReceived::WithdrawnBeforeAcceptance),
                Stage::Stopped | Stage::ClosedMissingSupplement => {
                    Some(NotReceived::StoppedBeforeAcceptance)
                }
                _ => None,
            };
        }
        return c;
    };
    if period.contains(accepted) {
        c.received = Some(Received::New(if d.channel.is_online() {
            Intake::Online
        } else {
            Intake::CounterOrPost
        }));
    } else if accepted < period.start && concluded.is_none_or(|t| t >= period.start) {
        c.received = Some(Received::CarriedOver);
    }
    if c.received.is_none() {
        return c;
    }
    if concluded.is_some_and(|t| period.contains(t)) {
        c.concluded = match (d.clock.decided_at, d.clock.original_due, d.outcome) {
            (Some(decided), Some(due), Some(outcome)) if Some(decided) == concluded => {
                Some(Conclusion::Resolved {
                    timeliness: timeliness(decided, due),
                    outcome,
                })
            }
            _ => match d.stage {
                Stage::Withdrawn => Some(Conclusion::Withdrawn),
                _ => Some(Conclusion::Stopped),
            },
        };
    } else {
        c.pending = pending_at(d, period.end);
        c.awaiting_supplement = c.pending.is_some() && awaiting_supplement_at(d, period.end);
    }
    c
}

/// Working days of the legal period a decided dossier used: from acceptance
/// (or the restart after an appraisal supplement) to the decision, the waits
/// for the applicant excluded (office time ÷ the length of a working day).
pub fn processing_days(d: &Dossier, cw: Clockwork<'_>) -> Result<Option<f64>, LifecycleError> {
    let Some(decided) = d.clock.decided_at else {
        return Ok(None);
    };
    let spent = d.processing_time_spent(decided, cw)?;
    let day = cw.hours.day_length();
    if day <= TimeDelta::zero() {
        return Ok(None);
    }
    Ok(Some(spent.num_seconds() as f64 / day.num_seconds() as f64))
}

//! What one dossier adds to the statistics of any period, as dated deltas,
//! so figures are kept up to date instead of recomputed: what the store's
//! kept sums hold (`motcua_store::kept`, `app::statistics::kept`).
//!
//! A dossier's contribution is a pure function of its current state (and
//! its [`Facts`]):
//! - **flows**, each on one day: received (on the day of acceptance, with
//!   what came with it), concluded (on the day of the decision or the end,
//!   with its fate and what the evaluation reads of it), ended without
//!   being received;
//! - **stock**, as deltas: the dossier is open at the start of day `X`
//!   (accepted before it, not concluded before it) in one of three
//!   classes — within the limit, overdue, awaiting a supplement — and the
//!   class changes only on a few days (the due day's end, a wait's
//!   beginning or end, the conclusion), so `+1` where a class begins and
//!   `-1` where it ends.
//!
//! A period's figures ([`figures_from`]) are then the flows of its days,
//! the stock at its first day (carried over) and the stock at the day
//! after its last (pending). Keeping the sum of every dossier's deltas per
//! day — subtracting a dossier's old contribution and adding its new one on
//! each change — gives any period's figures by reading a few rows; the
//! tests prove the result equal to [`crate::indicators::classify`] added up,
//! here and on the kept sums of both engines.
//! Periods are whole days in Vietnam, as every reporting period is.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use super::figures::{Facts, Figures};
use super::placement::{Fate, columns_of};
use crate::calendar;
use crate::catalog::ServiceLevel;
use crate::indicators::{self, Pending, Timeliness};
use crate::lifecycle::{Channel, Dossier, Outcome, Stage};

/// A day in Vietnam, as days since 1970-01-01.
pub type Day = i32;

/// A day's number.
pub fn day_number(date: NaiveDate) -> Day {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
    i32::try_from(date.signed_duration_since(epoch).num_days()).unwrap_or(i32::MAX)
}

/// The date of day `x`.
pub fn date_of(x: Day) -> NaiveDate {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
    epoch
        .checked_add_signed(chrono::TimeDelta::days(i64::from(x)))
        .unwrap_or(epoch)
}

/// The first day of the month day `x` is in: how sums are bucketed by
/// month.
pub fn month_of(x: Day) -> Day {
    let date = date_of(x);
    day_number(date.with_day(1).unwrap_or(date))
}

/// The day after the month day `x` is in ends.
pub fn next_month(x: Day) -> Day {
    let first = date_of(month_of(x));
    day_number(
        first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(first),
    )
}

/// The day an instant falls on, in Vietnam.
pub fn day_of(instant: DateTime<Utc>) -> Day {
    day_number(calendar::to_local(instant).date())
}

/// The instant day `x` starts (00:00 in Vietnam).
fn start_of(x: Day) -> DateTime<Utc> {
    calendar::to_utc(date_of(x).and_time(NaiveTime::MIN))
}

/// The first day that starts at or after `t`.
fn first_start_at_or_after(t: DateTime<Utc>) -> Day {
    let d = day_of(t);
    if start_of(d) >= t { d } else { d + 1 }
}

/// The first day that starts after `t`.
fn first_start_after(t: DateTime<Utc>) -> Day {
    day_of(t) + 1
}

/// What a delta counts. The numbers are its code where the sums are
/// stored: a measure keeps its number for ever, and a new one takes the
/// next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[repr(u8)]
pub enum Measure {
    // Received, on the day of acceptance.
    NewOnline = 1,
    NewInPerson = 2,
    NewByPost = 3,
    NewLevel4 = 4,
    NewLevel4Online = 5,
    NewWithFees = 6,
    NewPaidOnline = 7,
    NewDigitised = 8,
    // Concluded, on its day.
    ResolvedEarly = 9,
    ResolvedOnTime = 10,
    ResolvedLate = 11,
    Withdrawn = 12,
    Stopped = 13,
    Refused = 14,
    ResultByPost = 15,
    Decided = 16,
    ProcessingMillidays = 17,
    ContactsNone = 18,
    ContactsOnce = 19,
    ContactsMore = 20,
    NoVisit = 21,
    OneStopVisit = 22,
    LateOnline = 23,
    Rated = 24,
    Satisfied = 25,
    // Ended without being received, on its day.
    NotReceived = 26,
    // Open at the start of a day, as deltas.
    OpenWithinLimit = 27,
    OpenOverdue = 28,
    OpenAwaitingSupplement = 29,
}

impl Measure {
    /// Every measure, in code order.
    pub const ALL: [Measure; 29] = [
        Measure::NewOnline,
        Measure::NewInPerson,
        Measure::NewByPost,
        Measure::NewLevel4,
        Measure::NewLevel4Online,
        Measure::NewWithFees,
        Measure::NewPaidOnline,
        Measure::NewDigitised,
        Measure::ResolvedEarly,
        Measure::ResolvedOnTime,
        Measure::ResolvedLate,
        Measure::Withdrawn,
        Measure::Stopped,
        Measure::Refused,
        Measure::ResultByPost,
        Measure::Decided,
        Measure::ProcessingMillidays,
        Measure::ContactsNone,
        Measure::ContactsOnce,
        Measure::ContactsMore,
        Measure::NoVisit,
        Measure::OneStopVisit,
        Measure::LateOnline,
        Measure::Rated,
        Measure::Satisfied,
        Measure::NotReceived,
        Measure::OpenWithinLimit,
        Measure::OpenOverdue,
        Measure::OpenAwaitingSupplement,
    ];

    /// Its stored code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The measure a stored code names.
    pub fn from_code(code: u8) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.code() == code)
    }

    /// Whether it counts dossiers open at a day's start (a stock, read as
    /// the sum of every delta up to that day) rather than what happened on
    /// a day (a flow).
    pub fn is_stock(self) -> bool {
        matches!(
            self,
            Measure::OpenWithinLimit | Measure::OpenOverdue | Measure::OpenAwaitingSupplement
        )
    }
}

/// One dated delta.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Delta {
    pub day: Day,
    pub measure: Measure,
    pub n: i64,
}

/// The class of an open dossier at the start of day `x`, if it is open.
fn class_at(d: &Dossier, x: Day) -> Option<Measure> {
    let instant = start_of(x);
    let pending = indicators::pending_at(d, instant)?;
    Some(
        match (indicators::awaiting_supplement_at(d, instant), pending) {
            (true, _) => Measure::OpenAwaitingSupplement,
            (false, Pending::WithinLimit) => Measure::OpenWithinLimit,
            (false, Pending::Overdue) => Measure::OpenOverdue,
        },
    )
}

/// The days on which the class of `d` may change: everything `pending_at`
/// and the awaiting test compare the day's start with.
fn breakpoints(d: &Dossier) -> BTreeSet<Day> {
    let mut days = BTreeSet::new();
    let c = &d.clock;
    if let Some(accepted) = c.accepted_at {
        days.insert(first_start_after(accepted));
    }
    for t in [c.decided_at, c.ended_at].into_iter().flatten() {
        days.insert(first_start_after(t));
    }
    if let Some(due) = c.original_due {
        days.insert(day_of(due) + 1);
    }
    for p in &c.pauses {
        days.insert(first_start_at_or_after(p.from));
        days.insert(first_start_at_or_after(p.to));
    }
    if let Some(since) = c.paused_since {
        days.insert(first_start_at_or_after(since));
        days.insert(first_start_after(since));
    }
    days
}

/// Everything `d` adds to the statistics, as deltas.
pub fn contribution(d: &Dossier, facts: &Facts) -> Vec<Delta> {
    let mut out = Vec::new();
    let mut add = |day: Day, measure: Measure, n: i64| {
        if n != 0 {
            out.push(Delta { day, measure, n });
        }
    };
    let c = &d.clock;
    let concluded = match (c.decided_at, c.ended_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let Some(accepted) = c.accepted_at else {
        let never = matches!(
            d.stage,
            Stage::NotAccepted | Stage::Withdrawn | Stage::Stopped | Stage::ClosedMissingSupplement
        );
        if let (true, Some(ended)) = (never, c.ended_at) {
            add(day_of(ended), Measure::NotReceived, 1);
        }
        return out;
    };
    // Received.
    let day = day_of(accepted);
    let online = d.channel.is_online();
    add(
        day,
        if online {
            Measure::NewOnline
        } else {
            Measure::NewInPerson
        },
        1,
    );
    add(
        day,
        Measure::NewByPost,
        i64::from(d.channel == Channel::Post),
    );
    let level4 = facts.level == Some(ServiceLevel::Full);
    add(day, Measure::NewLevel4, i64::from(level4));
    add(day, Measure::NewLevel4Online, i64::from(level4 && online));
    add(
        day,
        Measure::NewWithFees,
        i64::from(facts.has_fees || facts.paid_online),
    );
    add(day, Measure::NewPaidOnline, i64::from(facts.paid_online));
    add(day, Measure::NewDigitised, i64::from(facts.digitised));
    // Concluded.
    if let Some(at) = concluded {
        let day = day_of(at);
        match (c.decided_at, c.original_due, d.outcome) {
            (Some(decided), Some(due), Some(outcome)) if Some(decided) == concluded => {
                let timeliness = indicators::timeliness(decided, due);
                add(
                    day,
                    match timeliness {
                        Timeliness::Early => Measure::ResolvedEarly,
                        Timeliness::OnTime => Measure::ResolvedOnTime,
                        Timeliness::Late => Measure::ResolvedLate,
                    },
                    1,
                );
                add(
                    day,
                    Measure::Refused,
                    i64::from(outcome == Outcome::Refused),
                );
                add(day, Measure::ResultByPost, i64::from(facts.result_by_post));
                if let Some(days) = facts.processing_days.filter(|x| x.is_finite() && *x >= 0.0) {
                    add(day, Measure::Decided, 1);
                    add(
                        day,
                        Measure::ProcessingMillidays,
                        (days * 1000.0).round() as i64,
                    );
                }
                add(
                    day,
                    match facts.supplement_requests {
                        0 => Measure::ContactsNone,
                        1 => Measure::ContactsOnce,
                        _ => Measure::ContactsMore,
                    },
                    1,
                );
                add(
                    day,
                    if facts.no_visit {
                        Measure::NoVisit
                    } else {
                        Measure::OneStopVisit
                    },
                    1,
                );
                add(
                    day,
                    Measure::LateOnline,
                    i64::from(timeliness == Timeliness::Late && online),
                );
            }
            _ => add(
                day,
                if d.stage == Stage::Withdrawn {
                    Measure::Withdrawn
                } else {
                    Measure::Stopped
                },
                1,
            ),
        }
        if let Some(satisfied) = facts.satisfied {
            add(day, Measure::Rated, 1);
            add(day, Measure::Satisfied, i64::from(satisfied));
        }
    }
    // Open, class by class.
    let mut current: Option<Measure> = None;
    for x in breakpoints(d) {
        let class = class_at(d, x);
        if class != current {
            if let Some(old) = current {
                add(x, old, -1);
            }
            if let Some(new) = class {
                add(x, new, 1);
            }
            current = class;
        }
    }
    out
}

/// The figures of the whole days `first` to `last` from the deltas of the
/// dossiers of one group (any order).
pub fn figures_from<'a>(
    deltas: impl IntoIterator<Item = &'a Delta>,
    first: Day,
    last: Day,
) -> Figures {
    let mut flows = std::collections::BTreeMap::<Measure, i64>::new();
    let mut at_start = [0i64; 3];
    let mut at_end = [0i64; 3];
    let stock = |m: Measure| match m {
        Measure::OpenWithinLimit => Some(0),
        Measure::OpenOverdue => Some(1),
        Measure::OpenAwaitingSupplement => Some(2),
        _ => None,
    };
    for delta in deltas {
        match stock(delta.measure) {
            Some(i) => {
                if delta.day <= first {
                    at_start[i] += delta.n;
                }
                if delta.day <= last + 1 {
                    at_end[i] += delta.n;
                }
            }
            None if (first..=last).contains(&delta.day) => {
                *flows.entry(delta.measure).or_default() += delta.n;
            }
            None => {}
        }
    }
    let n = |m: Measure| u64::try_from(flows.get(&m).copied().unwrap_or(0)).unwrap_or(0);
    let count = |x: i64| u64::try_from(x).unwrap_or(0);
    let fates = [
        (Fate::NewOnline, n(Measure::NewOnline)),
        (Fate::NewInPerson, n(Measure::NewInPerson)),
        (Fate::CarriedOver, count(at_start.iter().sum())),
        (Fate::ResolvedEarly, n(Measure::ResolvedEarly)),
        (Fate::ResolvedOnTime, n(Measure::ResolvedOnTime)),
        (Fate::ResolvedLate, n(Measure::ResolvedLate)),
        (Fate::Withdrawn, n(Measure::Withdrawn)),
        (Fate::Stopped, n(Measure::Stopped)),
        (Fate::AwaitingSupplement, count(at_end[2])),
        (Fate::PendingWithinLimit, count(at_end[0])),
        (Fate::PendingOverdue, count(at_end[1])),
    ];
    let mut f = Figures::default();
    for (fate, k) in fates {
        for column in columns_of(fate) {
            f.columns[column.index()] += k;
        }
    }
    f.awaiting_supplement = count(at_end[2]);
    f.new = n(Measure::NewOnline) + n(Measure::NewInPerson);
    f.new_by_post = n(Measure::NewByPost);
    f.new_level4 = n(Measure::NewLevel4);
    f.new_level4_online = n(Measure::NewLevel4Online);
    f.new_with_fees = n(Measure::NewWithFees);
    f.new_paid_online = n(Measure::NewPaidOnline);
    f.new_digitised = n(Measure::NewDigitised);
    f.refused = n(Measure::Refused);
    f.withdrawn = n(Measure::Withdrawn);
    f.stopped = n(Measure::Stopped);
    f.not_received = n(Measure::NotReceived);
    f.results_by_post = n(Measure::ResultByPost);
    f.decided = n(Measure::Decided);
    f.processing_millidays = n(Measure::ProcessingMillidays);
    f.decided_timeliness = [
        n(Measure::ResolvedEarly),
        n(Measure::ResolvedOnTime),
        n(Measure::ResolvedLate),
    ];
    f.decided_contacts = [
        n(Measure::ContactsNone),
        n(Measure::ContactsOnce),
        n(Measure::ContactsMore),
    ];
    f.decided_visits = [n(Measure::NoVisit), n(Measure::OneStopVisit)];
    f.late_online = n(Measure::LateOnline);
    f.rated = n(Measure::Rated);
    f.satisfied = n(Measure::Satisfied);
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_measure_is_found_again_by_its_code_and_no_two_share_one() {
        for (i, m) in Measure::ALL.iter().enumerate() {
            assert_eq!(usize::from(m.code()), i + 1);
            assert_eq!(Measure::from_code(m.code()), Some(*m));
        }
        assert_eq!(Measure::from_code(0), None);
        assert_eq!(Measure::from_code(200), None);
    }

    #[test]
    fn months_begin_on_the_first_and_end_before_the_next_first() {
        let d = |y, m, day| day_number(NaiveDate::from_ymd_opt(y, m, day).unwrap());
        assert_eq!(month_of(d(2024, 2, 29)), d(2024, 2, 1));
        assert_eq!(month_of(d(2024, 2, 1)), d(2024, 2, 1));
        assert_eq!(next_month(d(2024, 2, 29)), d(2024, 3, 1));
        assert_eq!(next_month(d(2025, 12, 15)), d(2026, 1, 1));
        assert_eq!(
            date_of(d(1969, 12, 31)),
            NaiveDate::from_ymd_opt(1969, 12, 31).unwrap()
        );
    }
}

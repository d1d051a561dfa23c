//! The legal clock: lunar dates, holidays, working days and typed periods.
//!
//! Every deadline motcua shows — the appointment on a receipt, the 8 working
//! hours to answer an online dossier, the 3 working days to ask for a
//! supplement, the 15 days an applicant has to bring it — is computed here and
//! nowhere else. The rules, in one place:
//!
//! **Time.** Instants are stored in UTC and counted in Vietnam's civil time,
//! UTC+7 (Asia/Ho_Chi_Minh has kept +07:00 without daylight saving since
//! 1975), see [`to_local`] and [`to_utc`].
//!
//! **Lunar calendar** ([`lunar`]): Hồ Ngọc Đức's algorithm at UTC+7, for every
//! day from 1900-01-01 to 2199-12-31, leap months included (checked against
//! an independent implementation). Tết and Giỗ Tổ Hùng Vương (10/3 lunar)
//! come from it. Calendars printed in Vietnam before 1968 counted in UTC+8
//! and differ on a few month starts (`tools/lunar-reference/README.md`);
//! legal deadlines never reach back that far.
//!
//! **Holidays** ([`holidays`]): for a year without an official schedule, the
//! days off are generated from the Labour Code in force — the 2012 Code
//! (Art. 115: 10 days, holiday years 2014–2020) or the 2019 Code (Art. 112:
//! 11 days, from 2021) — with a compensatory day for a holiday that falls on
//! a weekly rest day (Art. 111(3) of the 2019 Code, Art. 115(3) of the 2012
//! Code). The Prime Minister fixes the exact Tết and National Day days each
//! year; the generator's choice is documented in [`holidays`].
//!
//! **Official schedules** ([`schedule`]): the breaks and worked Saturdays the
//! Government announced, kept as data files in `data/holidays/` with their
//! source and whether they are verified. An official break replaces the
//! generated days of the holidays it covers, by date — so a New Year break
//! announced for 2019 that starts on 29/12/2018 puts Monday 31/12/2018 off in
//! calendar 2018. A holiday not yet announced keeps its generated default,
//! marked as such. The database holds the schedules at run time (seeded from
//! these files, corrected by administrators); [`WorkCalendar::new`] takes
//! whatever list the caller trusts.
//!
//! **Working days** are Monday to Friday, minus days off, plus worked
//! Saturdays. Opening hours do not change them: a centre that receives on
//! Saturdays does not make Saturday a working day.
//!
//! **Periods are typed** ([`Period`]):
//! - *N working days* end at the closing time of the N-th working day after
//!   the day the clock starts; that day itself is not counted (Civil Code
//!   2015 Art. 147). The law ends a period at 24:00; ending at closing time is
//!   our stated convention, so the appointment printed on a receipt is a real
//!   time when the citizen can collect the result. Zero working days (a
//!   same-day procedure) end at the closing time of the starting day, or of
//!   the next working day when the clock starts on a day off or after hours.
//! - *N working hours* count only time inside office hours on working days
//!   (default 07:00–11:30 and 13:30–17:00, 8 hours; per agency later). Zero
//!   working hours end where they start.
//! - A period never ends in a lunch break or after hours: one that runs out
//!   exactly at the end of a session ends then (11:30, 17:00).
//! - *N calendar days* end at the end (24:00, shown as 23:59:59) of the N-th
//!   day after the start, moved to the next working day when that day is a day
//!   off (Civil Code Art. 148(5)).
//!
//! The 15:00 rule of ND 61/2018 Art. 18 (a paper dossier received after 15:00
//! is passed on the next morning) is about handing paper on, not about
//! counting, so it is not here.

pub mod holidays;
pub mod lunar;
pub mod office_hours;
pub mod period;
pub mod schedule;
mod work;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Offset, Utc};

use crate::message::{Message, MessageArg};

pub use holidays::{Holiday, HolidayLaw};
pub use lunar::LunarDate;
pub use office_hours::{OfficeHours, Session};
pub use period::Period;
pub use schedule::{OfficialBreak, ScheduleError, Verification};
pub use work::{DaySource, SpecialDay, SpecialDayKind, WorkCalendar};

/// Vietnam's civil time offset, UTC+7, in seconds.
const VN_OFFSET_SECONDS: i32 = 7 * 3600;

/// Vietnam's civil time zone, UTC+7.
pub fn vn_offset() -> FixedOffset {
    FixedOffset::east_opt(VN_OFFSET_SECONDS).unwrap_or_else(|| Utc.fix())
}

/// The wall-clock time in Vietnam of an instant.
pub fn to_local(instant: DateTime<Utc>) -> NaiveDateTime {
    instant.with_timezone(&vn_offset()).naive_local()
}

/// The instant of a wall-clock time in Vietnam (always unique: no DST).
pub fn to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    (local - chrono::TimeDelta::seconds(i64::from(VN_OFFSET_SECONDS))).and_utc()
}

/// An instant shown with Vietnam's offset, for RFC 3339 output (`+07:00`).
pub fn in_vietnam(instant: DateTime<Utc>) -> DateTime<FixedOffset> {
    instant.with_timezone(&vn_offset())
}

/// Why the legal clock cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The lunar calendar is only computed for 1900–2199.
    #[error("{date} is outside the lunar calendar's range (1900-01-01 to 2199-12-31)")]
    LunarOutOfRange { date: NaiveDate },
    /// A lunar date that does not exist (a leap month the year lacks, day 30
    /// of a 29-day month).
    #[error("lunar date {}/{}{}/{} does not exist", lunar.day, lunar.month, if lunar.leap { " (leap)" } else { "" }, lunar.year)]
    NoSuchLunarDate { lunar: LunarDate },
    /// Working days are only known for years whose holiday law is modelled.
    #[error(
        "working days are only known from {first} to {last}; {date} is outside (holiday law not modelled)"
    )]
    WorkingDaysOutOfRange {
        date: NaiveDate,
        first: NaiveDate,
        last: NaiveDate,
    },
    /// Office hours must be ordered, non-overlapping sessions within a day.
    #[error("office hours are invalid: {reason}")]
    InvalidOfficeHours { reason: String },
}

impl Message for CalendarError {
    fn message_key(&self) -> &'static str {
        match self {
            CalendarError::LunarOutOfRange { .. } => "calendar-error-lunar-range",
            CalendarError::NoSuchLunarDate { .. } => "calendar-error-no-such-lunar-date",
            CalendarError::WorkingDaysOutOfRange { .. } => "calendar-error-working-days-range",
            CalendarError::InvalidOfficeHours { .. } => "calendar-error-office-hours",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        match self {
            CalendarError::LunarOutOfRange { date } => vec![("date", MessageArg::Date(*date))],
            CalendarError::NoSuchLunarDate { lunar } => vec![
                ("day", MessageArg::Count(u64::from(lunar.day))),
                ("month", MessageArg::Count(u64::from(lunar.month))),
                ("year", MessageArg::text(lunar.year.to_string())),
            ],
            CalendarError::WorkingDaysOutOfRange { date, first, last } => vec![
                ("date", MessageArg::Date(*date)),
                ("first", MessageArg::Date(*first)),
                ("last", MessageArg::Date(*last)),
            ],
            CalendarError::InvalidOfficeHours { reason } => {
                vec![("reason", MessageArg::text(reason.clone()))]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn local_time_is_utc_plus_seven() {
        let utc = Utc.with_ymd_and_hms(2025, 1, 1, 17, 30, 0).unwrap();
        let local = to_local(utc);
        assert_eq!(local.to_string(), "2025-01-02 00:30:00");
        assert_eq!(to_utc(local), utc);
        assert_eq!(in_vietnam(utc).to_rfc3339(), "2025-01-02T00:30:00+07:00");
    }
}

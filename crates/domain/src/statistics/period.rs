//! Which days a report covers: a month, quarter, half, year or any days,
//! cut off as the reporting rules say.
//!
//! ND 09/2019/NĐ-CP closes a reporting month on the 14th: "March" runs from
//! 15 February to 14 March, the first half from 15 December to 14 June, the
//! year from 15 December to 14 December (DOMAIN §4). The cut-off day is a
//! setting, so a province that reports calendar months sets it to 1.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::indicators::{EmptyPeriod, ReportingPeriod};
use crate::message::{Message, MessageArg};

/// The first day of each reporting month (1 for calendar months).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CutOff(u8);

impl CutOff {
    /// ND 09/2019: from the 15th of the month before to the 14th.
    pub const ND09: CutOff = CutOff(15);
    /// Calendar months.
    pub const CALENDAR: CutOff = CutOff(1);

    /// A reporting month starting on `day` (1–28, so every month has it).
    pub fn starting_on(day: u8) -> Result<CutOff, PeriodError> {
        if (1..=28).contains(&day) {
            Ok(CutOff(day))
        } else {
            Err(PeriodError::CutOff(day))
        }
    }

    pub fn day(self) -> u8 {
        self.0
    }

    /// The first day of reporting month `month` of `year`.
    fn first_of(self, year: i32, month: u32) -> Option<NaiveDate> {
        let start = NaiveDate::from_ymd_opt(year, month, u32::from(self.0))?;
        if self.0 == 1 {
            Some(start)
        } else {
            start.checked_sub_months(Months::new(1))
        }
    }

    /// The last day of reporting month `month` of `year`.
    fn last_of(self, year: i32, month: u32) -> Option<NaiveDate> {
        let next = self
            .first_of(year, month)?
            .checked_add_months(Months::new(1))?;
        next.pred_opt()
    }
}

impl Default for CutOff {
    fn default() -> Self {
        CutOff::ND09
    }
}

/// A report's period as asked for: `2025-H1`, `2025-Q3`, `2025-07`, `2025`,
/// or days `2025-01-01..2025-03-31` (also `01/01/2025..31/03/2025`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PeriodSpec {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Half { year: i32, half: u32 },
    Year { year: i32 },
    Days { first: NaiveDate, last: NaiveDate },
}

/// What is wrong with a period as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error(
        "“{0}” is not a period: write 2025-H1, 2025-Q3, 2025-07, 2025 or 2025-01-01..2025-03-31"
    )]
    Malformed(String),
    #[error("a period must end after it starts")]
    Empty,
    #[error("a reporting month starts on a day from 1 to 28, not {0}")]
    CutOff(u8),
    /// No day of the period has ended: figures are counted by whole days.
    #[error("no day of the period has ended yet")]
    NotYet,
}

impl Message for PeriodError {
    fn message_key(&self) -> &'static str {
        match self {
            PeriodError::Malformed(_) => "period-error-malformed",
            PeriodError::Empty => "period-error-empty",
            PeriodError::CutOff(_) => "period-error-cut-off",
            PeriodError::NotYet => "period-error-not-yet",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        match self {
            PeriodError::Malformed(text) => vec![("value", MessageArg::text(text.clone()))],
            PeriodError::Empty | PeriodError::NotYet => Vec::new(),
            PeriodError::CutOff(day) => vec![("day", MessageArg::Count(u64::from(*day)))],
        }
    }
}

impl From<EmptyPeriod> for PeriodError {
    fn from(_: EmptyPeriod) -> Self {
        PeriodError::Empty
    }
}

/// A day as typed, in a year from 1900 to 9999 (so every computation on
/// it stays far inside what dates can hold).
fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .ok()
        .filter(|d| (1900..=9999).contains(&d.year()))
}

fn year(text: &str) -> Option<i32> {
    let y: i32 = text.parse().ok()?;
    (text.len() == 4 && (1900..=9999).contains(&y)).then_some(y)
}

impl FromStr for PeriodSpec {
    type Err = PeriodError;

    fn from_str(text: &str) -> Result<Self, PeriodError> {
        let trimmed = text.trim();
        let malformed = || PeriodError::Malformed(trimmed.to_string());
        if let Some((a, b)) = trimmed.split_once("..") {
            let (first, last) = (
                date(a.trim()).ok_or_else(malformed)?,
                date(b.trim()).ok_or_else(malformed)?,
            );
            if last < first {
                return Err(PeriodError::Empty);
            }
            return Ok(PeriodSpec::Days { first, last });
        }
        let upper = trimmed.to_ascii_uppercase();
        let (y, rest) = upper.split_once('-').unwrap_or((&upper, ""));
        let year = year(y).ok_or_else(malformed)?;
        let number = |s: &str, max: u32| s.parse::<u32>().ok().filter(|n| (1..=max).contains(n));
        let spec = match rest.as_bytes() {
            [] => PeriodSpec::Year { year },
            [b'H', ..] => PeriodSpec::Half {
                year,
                half: number(&rest[1..], 2).ok_or_else(malformed)?,
            },
            [b'Q', ..] => PeriodSpec::Quarter {
                year,
                quarter: number(&rest[1..], 4).ok_or_else(malformed)?,
            },
            [_, _] => PeriodSpec::Month {
                year,
                month: number(rest, 12).ok_or_else(malformed)?,
            },
            _ => return Err(malformed()),
        };
        Ok(spec)
    }
}

impl fmt::Display for PeriodSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodSpec::Month { year, month } => write!(f, "{year}-{month:02}"),
            PeriodSpec::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            PeriodSpec::Half { year, half } => write!(f, "{year}-H{half}"),
            PeriodSpec::Year { year } => write!(f, "{year}"),
            PeriodSpec::Days { first, last } => write!(f, "{first}..{last}"),
        }
    }
}

impl PeriodSpec {
    /// The reporting months it spans, as (year, first month, last month).
    fn months(self) -> Option<(i32, u32, u32)> {
        match self {
            PeriodSpec::Month { year, month } => Some((year, month, month)),
            PeriodSpec::Quarter { year, quarter } => Some((year, 3 * quarter - 2, 3 * quarter)),
            PeriodSpec::Half { year, half } => Some((year, 6 * half - 5, 6 * half)),
            PeriodSpec::Year { year } => Some((year, 1, 12)),
            PeriodSpec::Days { .. } => None,
        }
    }

    /// Its first and last day under `cut_off`.
    pub fn days(self, cut_off: CutOff) -> Result<(NaiveDate, NaiveDate), PeriodError> {
        let Some((year, from, to)) = self.months() else {
            let PeriodSpec::Days { first, last } = self else {
                return Err(PeriodError::Empty);
            };
            return Ok((first, last));
        };
        let first = cut_off.first_of(year, from).ok_or(PeriodError::Empty)?;
        let last = cut_off.last_of(year, to).ok_or(PeriodError::Empty)?;
        Ok((first, last))
    }

    /// The instants it covers under `cut_off`, in Vietnam's days.
    pub fn period(self, cut_off: CutOff) -> Result<ReportingPeriod, PeriodError> {
        let (first, last) = self.days(cut_off)?;
        Ok(ReportingPeriod::days(first, last)?)
    }

    /// The period of the same length just before (the previous month,
    /// quarter, half or year; for days, as many days ending the day
    /// before), whose pending dossiers this one carries over.
    pub fn previous(self) -> PeriodSpec {
        match self {
            PeriodSpec::Month { year, month: 1 } => PeriodSpec::Month {
                year: year - 1,
                month: 12,
            },
            PeriodSpec::Month { year, month } => PeriodSpec::Month {
                year,
                month: month - 1,
            },
            PeriodSpec::Quarter { year, quarter: 1 } => PeriodSpec::Quarter {
                year: year - 1,
                quarter: 4,
            },
            PeriodSpec::Quarter { year, quarter } => PeriodSpec::Quarter {
                year,
                quarter: quarter - 1,
            },
            PeriodSpec::Half { year, half: 1 } => PeriodSpec::Half {
                year: year - 1,
                half: 2,
            },
            PeriodSpec::Half { year, .. } => PeriodSpec::Half { year, half: 1 },
            PeriodSpec::Year { year } => PeriodSpec::Year { year: year - 1 },
            PeriodSpec::Days { first, last } => {
                let days = last.signed_duration_since(first).num_days().unsigned_abs();
                let before = first.pred_opt().unwrap_or(first);
                let start = before
                    .checked_sub_days(chrono::Days::new(days))
                    .unwrap_or(before);
                PeriodSpec::Days {
                    first: start,
                    last: before,
                }
            }
        }
    }

    /// How many days it spans under `cut_off` (0 if it cannot be read).
    pub fn length_in_days(self, cut_off: CutOff) -> u64 {
        self.days(cut_off)
            .map(|(first, last)| last.signed_duration_since(first).num_days().unsigned_abs() + 1)
            .unwrap_or(0)
    }

    /// Whether it is a range of days rather than a month, quarter, half or
    /// year.
    pub fn is_days(self) -> bool {
        matches!(self, PeriodSpec::Days { .. })
    }

    /// The period containing `day` of the same kind as `self`, for "this
    /// quarter" style defaults.
    pub fn containing(day: NaiveDate, cut_off: CutOff, kind: PeriodKind) -> PeriodSpec {
        // A day on or after the cut-off belongs to the next reporting month.
        let shifted = if cut_off.day() > 1 && day.day() >= u32::from(cut_off.day()) {
            day.checked_add_months(Months::new(1)).unwrap_or(day)
        } else {
            day
        };
        let (year, month) = (shifted.year(), shifted.month());
        match kind {
            PeriodKind::Month => PeriodSpec::Month { year, month },
            PeriodKind::Quarter => PeriodSpec::Quarter {
                year,
                quarter: (month - 1) / 3 + 1,
            },
            PeriodKind::Half => PeriodSpec::Half {
                year,
                half: (month - 1) / 6 + 1,
            },
            PeriodKind::Year => PeriodSpec::Year { year },
        }
    }
}

/// The kinds of period offered as choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PeriodKind {
    Month,
    Quarter,
    Half,
    Year,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn nd09_cuts_each_month_on_the_fourteenth() {
        let h1: PeriodSpec = "2025-H1".parse().unwrap();
        assert_eq!(
            h1.days(CutOff::ND09).unwrap(),
            (d(2024, 12, 15), d(2025, 6, 14))
        );
        let year: PeriodSpec = "2025".parse().unwrap();
        assert_eq!(
            year.days(CutOff::ND09).unwrap(),
            (d(2024, 12, 15), d(2025, 12, 14))
        );
        let q1: PeriodSpec = "2025-q1".parse().unwrap();
        assert_eq!(
            q1.days(CutOff::ND09).unwrap(),
            (d(2024, 12, 15), d(2025, 3, 14))
        );
        let march: PeriodSpec = "2024-03".parse().unwrap();
        assert_eq!(
            march.days(CutOff::ND09).unwrap(),
            (d(2024, 2, 15), d(2024, 3, 14))
        );
    }

    #[test]
    fn calendar_months_run_from_the_first() {
        let h2: PeriodSpec = "2025-H2".parse().unwrap();
        assert_eq!(
            h2.days(CutOff::CALENDAR).unwrap(),
            (d(2025, 7, 1), d(2025, 12, 31))
        );
        let feb: PeriodSpec = "2024-02".parse().unwrap();
        assert_eq!(
            feb.days(CutOff::CALENDAR).unwrap(),
            (d(2024, 2, 1), d(2024, 2, 29))
        );
    }

    #[test]
    fn days_are_read_in_either_style() {
        let a: PeriodSpec = "2025-01-01..2025-03-31".parse().unwrap();
        let b: PeriodSpec = "01/01/2025..31/03/2025".parse().unwrap();
        assert_eq!(a, b);
        assert_eq!(
            a.days(CutOff::ND09).unwrap(),
            (d(2025, 1, 1), d(2025, 3, 31))
        );
        assert_eq!(
            a.previous(),
            PeriodSpec::Days {
                first: d(2024, 10, 3),
                last: d(2024, 12, 31)
            }
        );
    }

    #[test]
    fn bad_periods_are_refused_with_what_was_typed() {
        assert!("-262143-01-01..2025-01-01".parse::<PeriodSpec>().is_err());
        assert!("0000-01-01..2025-01-01".parse::<PeriodSpec>().is_err());
        for bad in [
            "",
            "2025-H3",
            "2025-Q0",
            "2025-13",
            "25",
            "2025-W1",
            "2025-03-31..2025-01-01",
            "x..y",
        ] {
            assert!(bad.parse::<PeriodSpec>().is_err(), "{bad}");
        }
        assert_eq!(
            "2025-H3".parse::<PeriodSpec>(),
            Err(PeriodError::Malformed("2025-H3".into()))
        );
        assert_eq!(CutOff::starting_on(29), Err(PeriodError::CutOff(29)));
    }

    #[test]
    fn previous_periods_chain_without_gaps() {
        for text in ["2025-01", "2025-Q1", "2025-H1", "2025-H2", "2025"] {
            let spec: PeriodSpec = text.parse().unwrap();
            let (first, _) = spec.days(CutOff::ND09).unwrap();
            let (_, last) = spec.previous().days(CutOff::ND09).unwrap();
            assert_eq!(last.succ_opt(), Some(first), "{text}");
        }
    }

    #[test]
    fn the_period_containing_a_day_respects_the_cut_off() {
        assert_eq!(
            PeriodSpec::containing(d(2025, 6, 15), CutOff::ND09, PeriodKind::Half),
            PeriodSpec::Half {
                year: 2025,
                half: 2
            }
        );
        assert_eq!(
            PeriodSpec::containing(d(2025, 12, 20), CutOff::ND09, PeriodKind::Year),
            PeriodSpec::Year { year: 2026 }
        );
        assert_eq!(
            PeriodSpec::containing(d(2025, 6, 14), CutOff::ND09, PeriodKind::Quarter),
            PeriodSpec::Quarter {
                year: 2025,
                quarter: 2
            }
        );
    }
}

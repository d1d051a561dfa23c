//! Which days are working days: Monday–Friday, minus days off, plus worked
//! Saturdays — the official schedules where announced, the generated
//! defaults elsewhere.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use super::CalendarError;
use super::holidays::{self, Holiday, HolidayLaw};
use super::schedule::{self, OfficialBreak, ScheduleError, Verification};

/// The last year whose working days we answer for (the lunar range ends).
const LAST_YEAR: i32 = 2199;

/// What makes a day special.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpecialDayKind {
    /// A weekday off.
    DayOff,
    /// A Saturday worked in exchange for a swapped weekday.
    WorkedSaturday,
}

/// Where a special day comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "origin")]
pub enum DaySource {
    /// An announced schedule.
    Official {
        status: Verification,
        sources: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        letter: Option<String>,
    },
    /// Generated from the Labour Code because no schedule covers it.
    Generated { law: HolidayLaw },
}

/// A day that is not what its weekday says: a weekday off or a worked
/// Saturday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: SpecialDayKind,
    /// The holidays the day belongs to (a break may cover several).
    pub holidays: Vec<Holiday>,
    /// A generated compensatory day (*nghỉ bù*). Official breaks do not say
    /// which of their days are compensatory, so theirs are `false`.
    pub compensatory: bool,
    pub source: DaySource,
}

/// The days of one calendar year.
#[derive(Debug)]
struct YearDays {
    /// Weekdays off, by `ordinal0`.
    off: [bool; 366],
    /// Saturdays worked, by `ordinal0`.
    worked: [bool; 366],
    special: Vec<SpecialDay>,
}

/// The working-day calendar of civil-service agencies.
///
/// Build it once from the schedule the caller trusts (the database's, or the
/// bundled files) and share it: each year is worked out on first use and
/// kept.
#[derive(Debug)]
pub struct WorkCalendar {
    official: Vec<OfficialBreak>,
    years: Vec<OnceLock<Result<YearDays, CalendarError>>>,
}

impl Clone for WorkCalendar {
    fn clone(&self) -> Self {
        WorkCalendar::with_checked(self.official.clone())
    }
}

impl WorkCalendar {
    /// A calendar that applies `official` breaks over the generated
    /// defaults. Every break is checked as a schedule file is (its holiday
    /// year set, its covered holidays inside it, worked days on Saturdays).
    pub fn new(official: Vec<OfficialBreak>) -> Result<Self, ScheduleError> {
        for (i, b) in official.iter().enumerate() {
            schedule::validate(b).map_err(|reason| ScheduleError::Break {
                index: i + 1,
                reason,
            })?;
        }
        Ok(WorkCalendar::with_checked(official))
    }

    fn with_checked(official: Vec<OfficialBreak>) -> Self {
        let count = usize::try_from(LAST_YEAR - HolidayLaw::FIRST_YEAR + 1).unwrap_or(0);
        WorkCalendar {
            official,
            years: (0..count).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The calendar with the schedules shipped in `data/holidays/`.
    pub fn bundled() -> Result<Self, ScheduleError> {
        WorkCalendar::new(schedule::bundled()?)
    }

    /// The calendar with generated defaults only (no announced schedule).
    pub fn generated_only() -> Self {
        WorkCalendar::with_checked(Vec::new())
    }

    /// The official breaks this calendar applies.
    pub fn official(&self) -> &[OfficialBreak] {
        &self.official
    }

    /// The first and last days this calendar answers for.
    pub fn range() -> (NaiveDate, NaiveDate) {
        (
            NaiveDate::from_ymd_opt(HolidayLaw::FIRST_YEAR, 1, 1).unwrap_or(NaiveDate::MIN),
            NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).unwrap_or(NaiveDate::MAX),
        )
    }

    fn out_of_range(date: NaiveDate) -> CalendarError {
        let (first, last) = WorkCalendar::range();
        CalendarError::WorkingDaysOutOfRange { date, first, last }
    }

    fn year(&self, year: i32, for_date: NaiveDate) -> Result<&YearDays, CalendarError> {
        let index = usize::try_from(year - HolidayLaw::FIRST_YEAR)
            .map_err(|_| WorkCalendar::out_of_range(for_date))?;
        let cell = self
            .years
            .get(index)
            .ok_or_else(|| WorkCalendar::out_of_range(for_date))?;
        cell.get_or_init(|| self.build_year(year))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let days = self.year(date.year(), date)?;
        let i = date.ordinal0() as usize;
        Ok(match date.weekday() {
            Weekday::Sat => days.worked[i],
            Weekday::Sun => false,
            _ => !days.off[i],
        })
    }

    /// The weekdays off and worked Saturdays of calendar year `year`, in
    /// date order.
    pub fn special_days(&self, year: i32) -> Result<Vec<SpecialDay>, CalendarError> {
        let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
        Ok(self.year(year, jan1)?.special.clone())
    }

    /// The special day `date` is, if any.
    pub fn special_day(&self, date: NaiveDate) -> Result<Option<SpecialDay>, CalendarError> {
        let days = self.year(date.year(), date)?;
        Ok(days.special.iter().find(|s| s.date == date).cloned())
    }

    fn build_year(&self, year: i32) -> Result<YearDays, CalendarError> {
        let mut days = YearDays {
            off: [false; 366],
            worked: [false; 366],
            special: Vec::new(),
        };
        let in_year = |d: &NaiveDate| d.year() == year;
        // Official breaks of this holiday year and of its neighbours (a New
        // Year break starts in the previous December).
        for b in self
            .official
            .iter()
            .filter(|b| (year - 1..=year + 1).contains(&b.holiday_year))
        {
            let source = DaySource::Official {
                status: b.status,
                sources: b.sources.clone(),
                letter: b.letter.clone(),
            };
            for date in b.days().filter(in_year) {
                if is_weekday(date) {
                    days.mark_off(date, &b.covers, false, &source);
                }
            }
            for &sat in b.worked_saturdays.iter().filter(|d| in_year(d)) {
                days.worked[sat.ordinal0() as usize] = true;
                days.special.push(SpecialDay {
                    date: sat,
                    kind: SpecialDayKind::WorkedSaturday,
                    holidays: b.covers.clone(),
                    compensatory: false,
                    source: source.clone(),
                });
            }
        }
        // Generated days of the holidays this year's schedule does not cover.
        if let (Some(law), Some(generated)) =
            (HolidayLaw::for_year(year), holidays::generated_days(year)?)
        {
            let announced = |h: Holiday| {
                self.official
                    .iter()
                    .any(|b| b.holiday_year == year && b.covers.contains(&h))
            };
            let source = DaySource::Generated { law };
            for g in generated
                .iter()
                .filter(|g| !announced(g.holiday) && in_year(&g.date) && is_weekday(g.date))
            {
                days.mark_off(g.date, &[g.holiday], g.compensatory, &source);
            }
        }
        days.special.sort_by_key(|s| s.date);
        Ok(days)
    }
}

impl YearDays {
    fn mark_off(
        &mut self,
        date: NaiveDate,
        covers: &[Holiday],
        compensatory: bool,
        source: &DaySource,
    ) {
        let i = date.ordinal0() as usize;
        if self.off[i] {
            // Two breaks on one day (rare): keep the first source, name both.
            if let Some(existing) = self.special.iter_mut().find(|s| s.date == date) {
                for h in covers {
                    if !existing.holidays.contains(h) {
                        existing.holidays.push(*h);
                    }
                }
            }
            return;
        }
        self.off[i] = true;
        self.special.push(SpecialDay {
            date,
            kind: SpecialDayKind::DayOff,
            holidays: covers.to_vec(),
            compensatory,
            source: source.clone(),
        });
    }
}

fn is_weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_new_year_break_reaches_back_into_december() {
        let cal = WorkCalendar::bundled().unwrap();
        assert!(!cal.is_working_day(d(2018, 12, 31)).unwrap());
        assert!(cal.is_working_day(d(2019, 1, 5)).unwrap());
        let special = cal.special_day(d(2018, 12, 31)).unwrap().unwrap();
        assert_eq!(special.holidays, vec![Holiday::NewYear]);
    }

    #[test]
    fn years_outside_the_modelled_law_are_refused() {
        let cal = WorkCalendar::generated_only();
        assert!(cal.is_working_day(d(2013, 6, 3)).is_err());
        assert!(cal.is_working_day(d(2200, 1, 1)).is_err());
        assert!(cal.is_working_day(d(2199, 12, 31)).is_ok());
    }
}

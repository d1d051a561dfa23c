//! Typed periods and how they are counted: working days, working hours and
//! calendar days (rules in the [module documentation](super)).

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use serde::{Deserialize, Serialize};

use super::{CalendarError, OfficeHours, WorkCalendar};

/// A legal time limit, typed by how it is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "unit", content = "value")]
pub enum Period {
    /// *ngày làm việc*
    WorkingDays(u32),
    /// *giờ làm việc*
    WorkingHours(u32),
    /// *ngày* (calendar days)
    CalendarDays(u32),
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::WorkingDays(n) => write!(f, "{n} working days"),
            Period::WorkingHours(n) => write!(f, "{n} working hours"),
            Period::CalendarDays(n) => write!(f, "{n} calendar days"),
        }
    }
}

/// The last instant of a day, standing for 24:00 (RFC 3339 has no 24:00).
fn end_of_day(date: NaiveDate) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN))
}

impl WorkCalendar {
    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.add_working_days(date, 1)
    }

    /// The `n`-th working day after `date` (`date` itself not counted);
    /// `date` when `n` is 0.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            day = day
                .succ_opt()
                .ok_or_else(|| WorkCalendar::out_of_range_at(day))?;
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// How many working days lie after `from` up to and including `to`
    /// (0 when `to` is not after `from`).
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, CalendarError> {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = day
                .succ_opt()
                .ok_or_else(|| WorkCalendar::out_of_range_at(day))?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// When a period that starts at `start` (wall-clock time in Vietnam)
    /// ends.
    pub fn due(
        &self,
        start: NaiveDateTime,
        period: Period,
        hours: &OfficeHours,
    ) -> Result<NaiveDateTime, CalendarError> {
        match period {
            Period::WorkingDays(0) => {
                let today = start.date();
                let day = if self.is_working_day(today)? && start.time() < hours.closing() {
                    today
                } else {
                    self.next_working_day(today)?
                };
                Ok(day.and_time(hours.closing()))
            }
            Period::WorkingDays(n) => {
                let day = self.add_working_days(start.date(), n)?;
                Ok(day.and_time(hours.closing()))
            }
            Period::WorkingHours(n) => {
                self.add_working_time(start, TimeDelta::hours(i64::from(n)), hours)
            }
            Period::CalendarDays(n) => {
                let mut last = start
                    .date()
                    .checked_add_days(chrono::Days::new(u64::from(n)))
                    .ok_or_else(|| WorkCalendar::out_of_range_at(start.date()))?;
                if !self.is_working_day(last)? {
                    last = self.next_working_day(last)?;
                }
                Ok(end_of_day(last))
            }
        }
    }

    /// The instant when `amount` of office time on working days has passed
    /// after `start`. A period that runs out exactly at the end of a session
    /// ends then (11:30), not when the next one opens.
    pub fn add_working_time(
        &self,
        start: NaiveDateTime,
        amount: TimeDelta,
        hours: &OfficeHours,
    ) -> Result<NaiveDateTime, CalendarError> {
        let mut left = amount;
        if left <= TimeDelta::zero() {
            return Ok(start);
        }
        let mut day = start.date();
        let mut from = start.time();
        loop {
            if self.is_working_day(day)? {
                for s in hours.sessions() {
                    if from >= s.end {
                        continue;
                    }
                    let begin = s.start.max(from);
                    let available = s.end - begin;
                    if available >= left {
                        return Ok(day.and_time(begin) + left);
                    }
                    left -= available;
                }
            }
            day = day
                .succ_opt()
                .ok_or_else(|| WorkCalendar::out_of_range_at(day))?;
            from = NaiveTime::MIN;
        }
    }

    /// Office time on working days between two instants (zero when `to` is
    /// not after `from`).
    pub fn working_time_between(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        hours: &OfficeHours,
    ) -> Result<TimeDelta, CalendarError> {
        if to <= from {
            return Ok(TimeDelta::zero());
        }
        let end_of = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
        let mut total = TimeDelta::zero();
        let mut day = from.date();
        while day <= to.date() {
            if self.is_working_day(day)? {
                let a = if day == from.date() {
                    from.time()
                } else {
                    NaiveTime::MIN
                };
                let b = if day == to.date() { to.time() } else { end_of };
                total += if a == NaiveTime::MIN && b == end_of {
                    hours.day_length()
                } else {
                    hours.time_within(a, b)
                };
            }
            day = day
                .succ_opt()
                .ok_or_else(|| WorkCalendar::out_of_range_at(day))?;
        }
        Ok(total)
    }

    fn out_of_range_at(date: NaiveDate) -> CalendarError {
        let (first, last) = WorkCalendar::range();
        CalendarError::WorkingDaysOutOfRange { date, first, last }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn hours_stop_at_the_end_of_a_session() {
        let cal = WorkCalendar::generated_only();
        let hours = OfficeHours::standard();
        // Wed 05/03/2025 07:00 + 4.5 h of office time → 11:30, not 13:30.
        let end = cal
            .add_working_time(at(2025, 3, 5, 7, 0), TimeDelta::minutes(270), &hours)
            .unwrap();
        assert_eq!(end, at(2025, 3, 5, 11, 30));
    }

    #[test]
    fn working_time_between_counts_office_time_only() {
        let cal = WorkCalendar::generated_only();
        let hours = OfficeHours::standard();
        // Fri 07/03/2025 16:00 to Mon 10/03/2025 08:00: 1 h + 1 h.
        let t = cal
            .working_time_between(at(2025, 3, 7, 16, 0), at(2025, 3, 10, 8, 0), &hours)
            .unwrap();
        assert_eq!(t, TimeDelta::hours(2));
    }
}

//! The Vietnamese lunar calendar (*âm lịch*), by Hồ Ngọc Đức's algorithm.
//!
//! Month starts are the days of the astronomical new moons (Meeus' series,
//! as in Hồ Ngọc Đức's published code), counted in **UTC+7**; the eleventh
//! month is the one that contains the winter solstice; a year with thirteen
//! new moons between two eleventh months has a leap month, the first month
//! with no major solar term. Because Vietnam counts in UTC+7 and China in
//! UTC+8, the two calendars differ in some years (Tết 1968, 1985, 2007, 2030).
//!
//! The conversion answers for every day from 1900-01-01 to 2199-12-31 and
//! refuses other dates: that is the range the test table (made by another
//! implementation of the same algorithm) covers. Before 1968 Vietnam printed
//! its calendars in UTC+8; this module counts in UTC+7 throughout.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::CalendarError;

/// The Vietnamese time zone the lunar calendar is computed in, in hours.
const TIME_ZONE_HOURS: f64 = 7.0;
/// Julian day of the new moon of 1900-01-01 (k = 0 in the series).
const EPOCH_NEW_MOON: f64 = 2_415_021.076_998_695;
/// Mean length of a synodic month, in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;

/// A date of the Vietnamese lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LunarDate {
    /// The lunar year (the one Tết opens); `year` of lunar 1/1/2025 is 2025.
    pub year: i32,
    /// 1–12.
    pub month: u8,
    /// 1–30.
    pub day: u8,
    /// Whether this is the leap (intercalary, *nhuận*) copy of `month`.
    pub leap: bool,
}

impl LunarDate {
    /// A regular (non-leap) lunar date.
    pub fn new(year: i32, month: u8, day: u8) -> Self {
        LunarDate {
            year,
            month,
            day,
            leap: false,
        }
    }
}

/// The first and last solar days the lunar conversion answers for.
pub fn supported_range() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(2199, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

fn check_range(date: NaiveDate) -> Result<(), CalendarError> {
    let (first, last) = supported_range();
    if date < first || date > last {
        return Err(CalendarError::LunarOutOfRange { date });
    }
    Ok(())
}

/// The solar date's lunar date.
pub fn to_lunar(date: NaiveDate) -> Result<LunarDate, CalendarError> {
    check_range(date)?;
    let day_number = julian_day(date);
    // The new moon that starts the month: the last one on or before the day.
    // Hồ Ngọc Đức's code looks only one month back and so returns "day 0" on
    // 2054-05-07 and 2062-04-09; searching until the bracket holds fixes it.
    let mut k = ((day_number as f64 - EPOCH_NEW_MOON) / SYNODIC_MONTH).floor() as i64 + 1;
    let mut month_start = new_moon_day(k);
    while month_start > day_number {
        k -= 1;
        month_start = new_moon_day(k);
    }
    while new_moon_day(k + 1) <= day_number {
        k += 1;
        month_start = new_moon_day(k);
    }
    let solar_year = date.year();
    let mut a11 = month_11_start(solar_year);
    let b11;
    let mut lunar_year;
    if a11 >= month_start {
        lunar_year = solar_year;
        b11 = a11;
        a11 = month_11_start(solar_year - 1);
    } else {
        lunar_year = solar_year + 1;
        b11 = month_11_start(solar_year + 1);
    }
    let day = (day_number - month_start + 1) as u8;
    let diff = ((month_start - a11) as f64 / 29.0).floor() as i64;
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11);
        if diff >= leap_offset {
            month = diff + 10;
            leap = diff == leap_offset;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    Ok(LunarDate {
        year: lunar_year,
        month: month as u8,
        day,
        leap,
    })
}

/// The solar date of a lunar date. Refuses a leap month that the year does
/// not have and a day past the month's end (a 29-day month has no day 30).
pub fn from_lunar(lunar: LunarDate) -> Result<NaiveDate, CalendarError> {
    let invalid = || CalendarError::NoSuchLunarDate { lunar };
    if !(1..=12).contains(&lunar.month) || !(1..=30).contains(&lunar.day) {
        return Err(invalid());
    }
    let start = month_start(lunar.year, lunar.month, lunar.leap).ok_or_else(invalid)?;
    let next = start.1 + 1;
    let length = new_moon_day(next) - start.0;
    if i64::from(lunar.day) > length {
        return Err(invalid());
    }
    let date = from_julian_day(start.0 + i64::from(lunar.day) - 1).ok_or_else(invalid)?;
    check_range(date)?;
    Ok(date)
}

/// Julian day number of the start of a lunar month and the index `k` of its
/// new moon, or `None` for a leap month the year does not have.
fn month_start(year: i32, month: u8, leap: bool) -> Option<(i64, i64)> {
    let (a11, b11) = if month < 11 {
        (month_11_start(year - 1), month_11_start(year))
    } else {
        (month_11_start(year), month_11_start(year + 1))
    };
    let k = (0.5 + (a11 as f64 - EPOCH_NEW_MOON) / SYNODIC_MONTH).floor() as i64;
    let mut offset = i64::from(month) - 11;
    if offset < 0 {
        offset += 12;
    }
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11);
        let mut leap_month = leap_offset - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if leap && i64::from(month) != leap_month {
            return None;
        }
        if leap || offset >= leap_offset {
            offset += 1;
        }
    } else if leap {
        return None;
    }
    Some((new_moon_day(k + offset), k + offset))
}

/// The leap month of a lunar year, if it has one.
pub fn leap_month(year: i32) -> Option<u8> {
    (1..=12).find(|&m| month_start(year, m, true).is_some())
}

/// Tết Nguyên đán: lunar 1/1 of `year`.
pub fn tet(year: i32) -> Result<NaiveDate, CalendarError> {
    from_lunar(LunarDate::new(year, 1, 1))
}

/// Giỗ Tổ Hùng Vương: lunar 10/3 of `year`.
pub fn hung_kings_day(year: i32) -> Result<NaiveDate, CalendarError> {
    from_lunar(LunarDate::new(year, 3, 10))
}

/// The last day of lunar `year` (*ngày cuối năm*, 29 or 30 Chạp): the eve of
/// the next Tết.
pub fn lunar_new_years_eve(year: i32) -> Result<NaiveDate, CalendarError> {
    let next = tet(year + 1)?;
    next.pred_opt()
        .ok_or(CalendarError::LunarOutOfRange { date: next })
}

/// Julian day number of a proleptic Gregorian date (the Julian calendar is
/// never needed: the range starts in 1900).
fn julian_day(date: NaiveDate) -> i64 {
    let (y, m, d) = (
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    );
    let a = (14 - m) / 12;
    let y = y + 4800 - a;
    let m = m + 12 * a - 3;
    d + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
}

fn from_julian_day(jd: i64) -> Option<NaiveDate> {
    let a = jd + 32044;
    let b = (4 * a + 3) / 146_097;
    let c = a - (b * 146_097) / 4;
    let d = (4 * c + 3) / 1461;
    let e = c - (1461 * d) / 4;
    let m = (5 * e + 2) / 153;
    let day = e - (153 * m + 2) / 5 + 1;
    let month = m + 3 - 12 * (m / 10);
    let year = b * 100 + d - 4800 + m / 10;
    NaiveDate::from_ymd_opt(
        i32::try_from(year).ok()?,
        u32::try_from(month).ok()?,
        u32::try_from(day).ok()?,
    )
}

/// The instant (Julian day, fractional, UT) of the k-th new moon after the
/// 1900 epoch, by Meeus' series as Hồ Ngọc Đức uses it.
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = std::f64::consts::PI / 180.0;
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    // One term per line, each with its own sign (Meeus, Astronomical
    // Algorithms, ch. 49, as abridged by Hồ Ngọc Đức).
    let c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin()
        - 0.4068 * (mpr * dr).sin()
        + 0.0161 * (dr * 2.0 * mpr).sin()
        - 0.0004 * (dr * 3.0 * mpr).sin()
        + 0.0104 * (dr * 2.0 * f).sin()
        - 0.0051 * (dr * (m + mpr)).sin()
        - 0.0074 * (dr * (m - mpr)).sin()
        + 0.0004 * (dr * (2.0 * f + m)).sin()
        - 0.0004 * (dr * (2.0 * f - m)).sin()
        - 0.0006 * (dr * (2.0 * f + mpr)).sin()
        + 0.0010 * (dr * (2.0 * f - mpr)).sin()
        + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd1 + c1 - delta_t
}

/// The day (Julian day number, local to UTC+7) of the k-th new moon.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k) + 0.5 + TIME_ZONE_HOURS / 24.0).floor() as i64
}

/// The sun's ecliptic longitude in radians, normalised to [0, 2π), at the
/// instant `jdn` (Julian day, UT).
fn sun_longitude(jdn: f64) -> f64 {
    let t = (jdn - 2_451_545.0) / 36_525.0;
    let t2 = t * t;
    let dr = std::f64::consts::PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl += (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    let tau = std::f64::consts::TAU;
    l - tau * (l / tau).floor()
}

/// Which of the twelve 30° sectors the sun is in at the start (local
/// midnight, UTC+7) of a day.
fn sun_sector(day_number: i64) -> i64 {
    (sun_longitude(day_number as f64 - 0.5 - TIME_ZONE_HOURS / 24.0) / std::f64::consts::PI * 6.0)
        .floor() as i64
}

/// The start (Julian day number) of the lunar month 11 that contains the
/// winter solstice of solar `year`.
fn month_11_start(year: i32) -> i64 {
    let dec31 = julian_day(NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX));
    let off = dec31 - 2_415_021;
    let k = (off as f64 / SYNODIC_MONTH).floor() as i64;
    let nm = new_moon_day(k);
    if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

/// How many months after month 11 (starting at `a11`) the leap month comes:
/// the first month during which the sun stays in one sector (no major term).
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - EPOCH_NEW_MOON) / SYNODIC_MONTH + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn julian_day_round_trips() {
        for date in [d(1900, 1, 1), d(2000, 2, 29), d(2199, 12, 31)] {
            assert_eq!(from_julian_day(julian_day(date)), Some(date));
        }
        assert_eq!(julian_day(d(2000, 1, 1)), 2_451_545);
    }

    #[test]
    fn tet_2025_and_its_eve() {
        assert_eq!(tet(2025).unwrap(), d(2025, 1, 29));
        assert_eq!(lunar_new_years_eve(2024).unwrap(), d(2025, 1, 28));
        assert_eq!(
            to_lunar(d(2025, 1, 28)).unwrap(),
            LunarDate::new(2024, 12, 29)
        );
    }

    #[test]
    fn leap_month_of_2025_is_the_sixth() {
        assert_eq!(leap_month(2025), Some(6));
        assert_eq!(leap_month(2024), None);
        let leap6 = LunarDate {
            year: 2025,
            month: 6,
            day: 1,
            leap: true,
        };
        let date = from_lunar(leap6).unwrap();
        assert_eq!(to_lunar(date).unwrap(), leap6);
    }

    #[test]
    fn out_of_range_and_impossible_dates_are_refused() {
        assert!(to_lunar(d(1899, 12, 31)).is_err());
        assert!(to_lunar(d(2200, 1, 1)).is_err());
        let no_leap = LunarDate {
            year: 2024,
            month: 3,
            day: 1,
            leap: true,
        };
        assert!(from_lunar(no_leap).is_err());
        assert!(from_lunar(LunarDate::new(2025, 13, 1)).is_err());
    }
}

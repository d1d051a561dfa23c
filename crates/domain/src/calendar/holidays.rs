//! Public holidays as the Labour Code sets them, generated for a year that has
//! no official schedule yet.
//!
//! The generator's choices where the law leaves the day to the Prime Minister
//! (Labour Code 2019 Art. 112(3)):
//! - **Tết** (5 days): from 29 Chạp, five days in a row — 29 Chạp to mùng 4
//!   when Chạp has 29 days, 29 Chạp to mùng 3 when it has 30 (with the
//!   compensatory days below). That gives the weekdays off of eight of the
//!   nine schedules announced for 2018–2026 — all but 2025, which started on
//!   28 Chạp; the announced ones are in the data files and win anyway.
//! - **National Day** (2/9 plus one adjacent day, from 2021): the adjacent day
//!   that is a weekday and touches a weekend (Thu 2/9 → Fri 3/9, Tue 2/9 →
//!   Mon 1/9, Mon 2/9 → Tue 3/9, Fri 2/9 → Thu 1/9); when 2/9 is a Wednesday,
//!   1/9. This reproduces every announced year from 2021 to 2025.
//! - **Compensatory days**: a holiday on a Saturday or Sunday gives the next
//!   weekday that is not itself a holiday or already a compensatory day
//!   (Art. 111(3)); taken in date order, so Giỗ Tổ on Saturday 29/04/2023
//!   and 30/4 on Sunday give Tuesday 2/5 and Wednesday 3/5.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::{CalendarError, lunar};

/// A public holiday of the Labour Code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Holiday {
    /// Tết Dương lịch, 1 January.
    NewYear,
    /// Tết Âm lịch (Tết Nguyên đán).
    LunarNewYear,
    /// Giỗ Tổ Hùng Vương, 10/3 lunar.
    HungKings,
    /// Ngày Chiến thắng (Reunification Day), 30 April.
    ReunificationDay,
    /// Ngày Quốc tế lao động, 1 May.
    LabourDay,
    /// Quốc khánh, 2 September.
    NationalDay,
}

impl Holiday {
    /// Every holiday, in calendar order.
    pub const ALL: [Holiday; 6] = [
        Holiday::NewYear,
        Holiday::LunarNewYear,
        Holiday::HungKings,
        Holiday::ReunificationDay,
        Holiday::LabourDay,
        Holiday::NationalDay,
    ];

    /// The stable key used in data files and message catalogs.
    pub fn key(self) -> &'static str {
        match self {
            Holiday::NewYear => "new-year",
            Holiday::LunarNewYear => "lunar-new-year",
            Holiday::HungKings => "hung-kings",
            Holiday::ReunificationDay => "reunification-day",
            Holiday::LabourDay => "labour-day",
            Holiday::NationalDay => "national-day",
        }
    }

    /// The Vietnamese name, as the law writes it.
    pub fn name_vi(self) -> &'static str {
        match self {
            Holiday::NewYear => "Tết Dương lịch",
            Holiday::LunarNewYear => "Tết Âm lịch",
            Holiday::HungKings => "Giỗ Tổ Hùng Vương",
            Holiday::ReunificationDay => "Ngày Chiến thắng",
            Holiday::LabourDay => "Ngày Quốc tế lao động",
            Holiday::NationalDay => "Quốc khánh",
        }
    }
}

/// The Labour Code whose holiday article governs a holiday year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HolidayLaw {
    /// Bộ luật Lao động 2012 (10/2012/QH13), Art. 115: 10 days.
    LabourCode2012,
    /// Bộ luật Lao động 2019 (45/2019/QH14), Art. 112: 11 days.
    LabourCode2019,
}

impl HolidayLaw {
    /// The first holiday year whose days we generate: the 2012 Code took
    /// effect on 01/05/2013, so 2014 is its first full year.
    pub const FIRST_YEAR: i32 = 2014;

    /// The law for a holiday year, or `None` before the modelled laws.
    pub fn for_year(year: i32) -> Option<HolidayLaw> {
        if year < HolidayLaw::FIRST_YEAR {
            None
        } else if year <= 2020 {
            Some(HolidayLaw::LabourCode2012)
        } else {
            Some(HolidayLaw::LabourCode2019)
        }
    }

    /// Article reference, for display.
    pub fn article(self) -> &'static str {
        match self {
            HolidayLaw::LabourCode2012 => "BLLĐ 2012, Điều 115",
            HolidayLaw::LabourCode2019 => "BLLĐ 2019, Điều 112",
        }
    }

    fn national_day_days(self) -> u32 {
        match self {
            HolidayLaw::LabourCode2012 => 1,
            HolidayLaw::LabourCode2019 => 2,
        }
    }
}

/// One generated day off: a holiday itself or the compensatory day it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeneratedDay {
    pub date: NaiveDate,
    pub holiday: Holiday,
    /// A compensatory day (*nghỉ bù*) for a holiday on a weekly rest day.
    pub compensatory: bool,
}

/// The dates of each holiday in `year` as the law gives them (before
/// compensatory days).
pub fn statutory_dates(
    year: i32,
    law: HolidayLaw,
) -> Result<Vec<(Holiday, NaiveDate)>, CalendarError> {
    let mut days = Vec::with_capacity(12);
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    if let Some(d) = ymd(1, 1) {
        days.push((Holiday::NewYear, d));
    }
    // 29 Chạp: the eve itself when Chạp has 29 days, the day before it when
    // Chạp has 30.
    let eve = lunar::lunar_new_years_eve(year - 1)?;
    let mut tet_day = if lunar::to_lunar(eve)?.day == 30 {
        eve.pred_opt().unwrap_or(eve)
    } else {
        eve
    };
    for _ in 0..5 {
        days.push((Holiday::LunarNewYear, tet_day));
        tet_day = tet_day.succ_opt().unwrap_or(tet_day);
    }
    days.push((Holiday::HungKings, lunar::hung_kings_day(year)?));
    if let Some(d) = ymd(4, 30) {
        days.push((Holiday::ReunificationDay, d));
    }
    if let Some(d) = ymd(5, 1) {
        days.push((Holiday::LabourDay, d));
    }
    if let Some(sep2) = ymd(9, 2) {
        days.push((Holiday::NationalDay, sep2));
        if law.national_day_days() == 2 {
            days.push((Holiday::NationalDay, national_day_adjacent(sep2)));
        }
    }
    days.sort_by_key(|(_, d)| *d);
    days.dedup_by_key(|(_, d)| *d);
    Ok(days)
}

/// The day next to 2 September that joins the break to a weekend.
fn national_day_adjacent(sep2: NaiveDate) -> NaiveDate {
    let before = sep2.pred_opt().unwrap_or(sep2);
    let after = sep2.succ_opt().unwrap_or(sep2);
    let touches_weekend = |d: NaiveDate| {
        is_weekday(d)
            && [d.pred_opt(), d.succ_opt()]
                .into_iter()
                .flatten()
                .any(|n| n != sep2 && !is_weekday(n))
    };
    match (touches_weekend(before), touches_weekend(after)) {
        (false, true) => after,
        (true, _) => before,
        (false, false) if is_weekday(before) => before,
        (false, false) => after,
    }
}

fn is_weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Every generated day off of holiday `year`: the statutory days and the
/// compensatory days they give. `Ok(None)` when no law is modelled for it.
pub fn generated_days(year: i32) -> Result<Option<Vec<GeneratedDay>>, CalendarError> {
    let Some(law) = HolidayLaw::for_year(year) else {
        return Ok(None);
    };
    let statutory = statutory_dates(year, law)?;
    let taken = |d: &NaiveDate, days: &[GeneratedDay]| days.iter().any(|g| g.date == *d);
    let mut days: Vec<GeneratedDay> = statutory
        .iter()
        .map(|&(holiday, date)| GeneratedDay {
            date,
            holiday,
            compensatory: false,
        })
        .collect();
    for &(holiday, date) in &statutory {
        if is_weekday(date) {
            continue;
        }
        let mut comp = date;
        loop {
            comp = comp.succ_opt().unwrap_or(comp);
            if is_weekday(comp) && !taken(&comp, &days) {
                break;
            }
        }
        days.push(GeneratedDay {
            date: comp,
            holiday,
            compensatory: true,
        });
    }
    days.sort_by_key(|g| g.date);
    Ok(Some(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn weekdays_off(year: i32) -> Vec<NaiveDate> {
        generated_days(year)
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|g| g.date)
            .filter(|d| is_weekday(*d))
            .collect()
    }

    #[test]
    fn national_day_adjacent_matches_the_announced_years() {
        // 2021 Thu → Fri 3/9; 2022 Fri → Thu 1/9; 2023 Sat → Fri 1/9;
        // 2024 Mon → Tue 3/9; 2025 Tue → Mon 1/9.
        assert_eq!(national_day_adjacent(d(2021, 9, 2)), d(2021, 9, 3));
        assert_eq!(national_day_adjacent(d(2022, 9, 2)), d(2022, 9, 1));
        assert_eq!(national_day_adjacent(d(2023, 9, 2)), d(2023, 9, 1));
        assert_eq!(national_day_adjacent(d(2024, 9, 2)), d(2024, 9, 3));
        assert_eq!(national_day_adjacent(d(2025, 9, 2)), d(2025, 9, 1));
        assert_eq!(national_day_adjacent(d(2026, 9, 2)), d(2026, 9, 1));
    }

    #[test]
    fn eleven_weekdays_off_under_the_2019_code() {
        // 2027: Tết eve Fri 5/2, Tết Sat 6/2 – Tue 9/2 → two compensatory days.
        for year in 2021..=2060 {
            assert_eq!(weekdays_off(year).len(), 11, "{year}");
        }
    }

    #[test]
    fn ten_weekdays_off_under_the_2012_code() {
        for year in 2014..=2020 {
            assert_eq!(weekdays_off(year).len(), 10, "{year}");
        }
    }

    #[test]
    fn compensatory_days_follow_in_date_order() {
        let days = generated_days(2023).unwrap().unwrap();
        let comps: Vec<_> = days.iter().filter(|g| g.compensatory).collect();
        assert!(
            comps
                .iter()
                .any(|g| g.date == d(2023, 5, 2) && g.holiday == Holiday::HungKings)
        );
        assert!(
            comps
                .iter()
                .any(|g| g.date == d(2023, 5, 3) && g.holiday == Holiday::ReunificationDay)
        );
    }

    #[test]
    fn no_law_before_2014() {
        assert_eq!(generated_days(2013).unwrap(), None);
    }
}

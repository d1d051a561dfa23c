//! The legal clock against independent facts: a lunar table made by another
//! implementation, the announced holiday schedules, and hand-counted due
//! dates around Tết, swaps and weekends.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeDelta};
use motcua_domain::calendar::{
    self, Holiday, LunarDate, OfficeHours, Period, SpecialDayKind, WorkCalendar, lunar,
};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
    d(y, m, day).and_hms_opt(h, min, 0).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Month starts from `tests/data/lunar_months.csv`, produced once by the npm
/// package `vietnamese-lunar-calendar` (see tools/lunar-reference).
fn reference_months() -> Vec<(NaiveDate, LunarDate)> {
    let text = include_str!("../data/lunar_months.csv");
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let start = date(f[0]);
            let lunar = LunarDate {
                year: f[1].parse().unwrap(),
                month: f[2].parse().unwrap(),
                day: 1,
                leap: f[3] == "1",
            };
            (start, lunar)
        })
        .collect()
}

#[test]
fn every_day_from_1900_to_2199_matches_the_reference_table() {
    let months = reference_months();
    assert_eq!(months.first().unwrap().0, d(1900, 1, 1));
    let (_, last_day) = lunar::supported_range();
    for (i, (start, month)) in months.iter().enumerate() {
        let end = months
            .get(i + 1)
            .map_or(last_day, |(next, _)| *next - Duration::days(1));
        assert_eq!(lunar::from_lunar(*month).unwrap(), *start, "{month:?}");
        for (offset, day) in start.iter_days().take_while(|day| *day <= end).enumerate() {
            let expected = LunarDate {
                day: offset as u8 + 1,
                ..*month
            };
            assert_eq!(lunar::to_lunar(day).unwrap(), expected, "{day}");
        }
    }
}

#[test]
fn every_leap_month_matches_the_reference_table() {
    let months = reference_months();
    for year in 1900..=2198 {
        let expected = months
            .iter()
            .find(|(_, m)| m.year == year && m.leap)
            .map(|(_, m)| m.month);
        assert_eq!(lunar::leap_month(year), expected, "{year}");
    }
}

#[test]
fn the_day_zero_bug_of_the_original_code_is_fixed() {
    // Hồ Ngọc Đức's conversion returns day 0 on these two days; they are the
    // 30th of the previous month.
    for day in [d(2054, 5, 7), d(2062, 4, 9)] {
        let l = lunar::to_lunar(day).unwrap();
        assert_eq!(l.day, 30, "{day}: {l:?}");
        assert_eq!(lunar::from_lunar(l).unwrap(), day);
    }
}

#[test]
fn tet_and_hung_kings_2018_to_2030() {
    // DOMAIN §5, computed with the algorithm and checked against schedules.
    let table = [
        (2018, (2, 16), (4, 25)),
        (2019, (2, 5), (4, 14)),
        (2020, (1, 25), (4, 2)),
        (2021, (2, 12), (4, 21)),
        (2022, (2, 1), (4, 10)),
        (2023, (1, 22), (4, 29)),
        (2024, (2, 10), (4, 18)),
        (2025, (1, 29), (4, 7)),
        (2026, (2, 17), (4, 26)),
        (2027, (2, 6), (4, 16)),
        (2028, (1, 26), (4, 4)),
        (2029, (2, 13), (4, 23)),
        (2030, (2, 2), (4, 12)),
    ];
    for (year, (tm, td), (hm, hd)) in table {
        assert_eq!(lunar::tet(year).unwrap(), d(year, tm, td), "Tết {year}");
        assert_eq!(
            lunar::hung_kings_day(year).unwrap(),
            d(year, hm, hd),
            "Giỗ Tổ {year}"
        );
    }
}

#[test]
fn tet_in_the_years_vietnam_and_china_differ() {
    // Vietnam (UTC+7) first; China (UTC+8) a day or a month later.
    assert_eq!(lunar::tet(1968).unwrap(), d(1968, 1, 29));
    assert_eq!(lunar::tet(1985).unwrap(), d(1985, 1, 21));
    assert_eq!(lunar::tet(2007).unwrap(), d(2007, 2, 17));
    assert_eq!(lunar::tet(2030).unwrap(), d(2030, 2, 2));
    // 1984/85: the leap month falls after Tết in Vietnam (leap 2 of 1985),
    // which is why Tết 1985 comes a month before China's.
    assert_eq!(lunar::leap_month(1984), None);
    assert_eq!(lunar::leap_month(1985), Some(2));
}

proptest! {
    #[test]
    fn solar_lunar_solar_round_trips(days in 0i64..109_572) {
        let day = d(1900, 1, 1) + Duration::days(days);
        let l = lunar::to_lunar(day).unwrap();
        prop_assert_eq!(lunar::from_lunar(l).unwrap(), day);
    }
}

/// Weekdays off per calendar year from the announced schedules (DOMAIN §10),
/// with the generated National Day 2026 (not yet announced).
#[test]
fn weekdays_off_per_calendar_year_match_the_announced_schedules() {
    let cal = WorkCalendar::bundled().unwrap();
    let expected: [(i32, &[(u32, u32)]); 9] = [
        (
            2018,
            &[
                (1, 1),
                (2, 14),
                (2, 15),
                (2, 16),
                (2, 19),
                (2, 20),
                (4, 25),
                (4, 30),
                (5, 1),
                (9, 3),
                (12, 31),
            ],
        ),
        (
            2019,
            &[
                (1, 1),
                (2, 4),
                (2, 5),
                (2, 6),
                (2, 7),
                (2, 8),
                (4, 15),
                (4, 29),
                (4, 30),
                (5, 1),
                (9, 2),
            ],
        ),
        (
            2020,
            &[
                (1, 1),
                (1, 23),
                (1, 24),
                (1, 27),
                (1, 28),
                (1, 29),
                (4, 2),
                (4, 30),
                (5, 1),
                (9, 2),
            ],
        ),
        (
            2021,
            &[
                (1, 1),
                (2, 10),
                (2, 11),
                (2, 12),
                (2, 15),
                (2, 16),
                (4, 21),
                (4, 30),
                (5, 3),
                (9, 2),
                (9, 3),
            ],
        ),
        (
            2022,
            &[
                (1, 3),
                (1, 31),
                (2, 1),
                (2, 2),
                (2, 3),
                (2, 4),
                (4, 11),
                (5, 2),
                (5, 3),
                (9, 1),
                (9, 2),
            ],
        ),
        (
            2023,
            &[
                (1, 2),
                (1, 20),
                (1, 23),
                (1, 24),
                (1, 25),
                (1, 26),
                (5, 1),
                (5, 2),
                (5, 3),
                (9, 1),
                (9, 4),
            ],
        ),
        (
            2024,
            &[
                (1, 1),
                (2, 8),
                (2, 9),
                (2, 12),
                (2, 13),
                (2, 14),
                (4, 18),
                (4, 29),
                (4, 30),
                (5, 1),
                (9, 2),
                (9, 3),
            ],
        ),
        (
            2025,
            &[
                (1, 1),
                (1, 27),
                (1, 28),
                (1, 29),
                (1, 30),
                (1, 31),
                (4, 7),
                (4, 30),
                (5, 1),
                (5, 2),
                (9, 1),
                (9, 2),
            ],
        ),
        (
            2026,
            &[
                (1, 1),
                (1, 2),
                (2, 16),
                (2, 17),
                (2, 18),
                (2, 19),
                (2, 20),
                (4, 27),
                (4, 30),
                (5, 1),
                (9, 1),
                (9, 2),
            ],
        ),
    ];
    for (year, days) in expected {
        let off: Vec<NaiveDate> = cal
            .special_days(year)
            .unwrap()
            .into_iter()
            .filter(|s| s.kind == SpecialDayKind::DayOff)
            .map(|s| s.date)
            .collect();
        let want: Vec<NaiveDate> = days.iter().map(|&(m, dd)| d(year, m, dd)).collect();
        assert_eq!(off, want, "{year}");
        for day in &want {
            assert!(!cal.is_working_day(*day).unwrap(), "{day}");
        }
    }
}

#[test]
fn worked_saturdays_are_working_days() {
    let cal = WorkCalendar::bundled().unwrap();
    for sat in [
        d(2019, 1, 5),
        d(2019, 5, 4),
        d(2024, 5, 4),
        d(2025, 4, 26),
        d(2026, 1, 10),
    ] {
        assert!(cal.is_working_day(sat).unwrap(), "{sat}");
        let special = cal.special_day(sat).unwrap().unwrap();
        assert_eq!(special.kind, SpecialDayKind::WorkedSaturday);
    }
    assert!(!cal.is_working_day(d(2025, 4, 19)).unwrap());
}

#[test]
fn unannounced_holidays_keep_the_generated_default() {
    let cal = WorkCalendar::bundled().unwrap();
    let sep1 = cal.special_day(d(2026, 9, 1)).unwrap().unwrap();
    assert_eq!(sep1.holidays, vec![Holiday::NationalDay]);
    assert!(matches!(sep1.source, calendar::DaySource::Generated { .. }));
    let tet = cal.special_day(d(2026, 2, 16)).unwrap().unwrap();
    assert!(matches!(tet.source, calendar::DaySource::Official { .. }));
    // 2027 has no schedule at all: Tết eve Fri 05/02, Tết Sat 06/02 to Tue
    // 09/02, the weekend days given back on Wed 10 and Thu 11/02.
    let off: Vec<_> = cal
        .special_days(2027)
        .unwrap()
        .into_iter()
        .filter(|s| s.holidays == [Holiday::LunarNewYear])
        .map(|s| (s.date, s.compensatory))
        .collect();
    assert_eq!(
        off,
        vec![
            (d(2027, 2, 5), false),
            (d(2027, 2, 8), false),
            (d(2027, 2, 9), false),
            (d(2027, 2, 10), true),
            (d(2027, 2, 11), true),
        ]
    );
}

#[test]
fn every_schedule_file_is_bundled() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/holidays");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let bundled: Vec<String> = calendar::schedule::bundled_files()
        .map(String::from)
        .collect();
    assert_eq!(on_disk, bundled);
}

fn due(start: NaiveDateTime, period: Period) -> String {
    let cal = WorkCalendar::bundled().unwrap();
    let local = cal.due(start, period, &OfficeHours::standard()).unwrap();
    calendar::in_vietnam(calendar::to_utc(local)).to_rfc3339()
}

#[test]
fn due_dates_across_tet_2025_and_2026() {
    // Fri 24/01/2025; Tết break 25/01–02/02: Mon 03/02 is the first working day.
    assert_eq!(
        due(at(2025, 1, 24, 10, 0), Period::WorkingDays(5)),
        "2025-02-07T17:00:00+07:00"
    );
    // Thu 12/02/2026: Fri 13/02, then the break 14–22/02, then Mon 23, Tue 24.
    assert_eq!(
        due(at(2026, 2, 12, 9, 0), Period::WorkingDays(3)),
        "2026-02-24T17:00:00+07:00"
    );
}

#[test]
fn due_dates_around_the_worked_saturday_and_30_4_2025() {
    // Thu 24/04/2025: Fri 25, then the worked Saturday 26/04.
    assert_eq!(
        due(at(2025, 4, 24, 8, 0), Period::WorkingDays(2)),
        "2025-04-26T17:00:00+07:00"
    );
    // Fri 25/04: Sat 26, Mon 28, Tue 29.
    assert_eq!(
        due(at(2025, 4, 25, 8, 0), Period::WorkingDays(3)),
        "2025-04-29T17:00:00+07:00"
    );
    // Tue 29/04: 30/4, 1/5 and the swapped Fri 02/05 are off.
    assert_eq!(
        due(at(2025, 4, 29, 14, 0), Period::WorkingDays(1)),
        "2025-05-05T17:00:00+07:00"
    );
}

#[test]
fn due_dates_around_national_day_2025() {
    // Fri 29/08/2025; Mon 01 and Tue 02/09 are off.
    assert_eq!(
        due(at(2025, 8, 29, 9, 0), Period::WorkingDays(1)),
        "2025-09-03T17:00:00+07:00"
    );
}

#[test]
fn working_hours_skip_lunch_and_weekends() {
    // Fri 07/03/2025 15:00: 2 h on Friday, 4.5 h Monday morning, 1.5 h after lunch.
    assert_eq!(
        due(at(2025, 3, 7, 15, 0), Period::WorkingHours(8)),
        "2025-03-10T15:00:00+07:00"
    );
    // 10:00 + 2 h: 1.5 h before lunch, 0.5 h after.
    assert_eq!(
        due(at(2025, 3, 5, 10, 0), Period::WorkingHours(2)),
        "2025-03-05T14:00:00+07:00"
    );
    // Received on a Saturday at a centre that opens on Saturdays: Saturday
    // still does not count.
    assert_eq!(
        due(at(2025, 3, 8, 9, 0), Period::WorkingHours(8)),
        "2025-03-10T17:00:00+07:00"
    );
    // In the lunch break: counting starts at 13:30.
    assert_eq!(
        due(at(2025, 3, 5, 12, 0), Period::WorkingHours(1)),
        "2025-03-05T14:30:00+07:00"
    );
}

#[test]
fn a_calendar_day_period_ending_on_a_day_off_moves_to_the_next_working_day() {
    // Sat 22/02/2025 + 15 days = Sun 09/03 → Mon 10/03, end of day.
    assert_eq!(
        due(at(2025, 2, 22, 10, 0), Period::CalendarDays(15)),
        "2025-03-10T23:59:59+07:00"
    );
    // 15/04/2025 + 15 = Wed 30/04, a holiday; 1/5 and the swapped 2/5 too.
    assert_eq!(
        due(at(2025, 4, 15, 10, 0), Period::CalendarDays(15)),
        "2025-05-05T23:59:59+07:00"
    );
    // An ordinary ending day stays.
    assert_eq!(
        due(at(2025, 3, 3, 10, 0), Period::CalendarDays(3)),
        "2025-03-06T23:59:59+07:00"
    );
}

#[test]
fn a_same_day_period_ends_at_closing_time() {
    assert_eq!(
        due(at(2025, 3, 5, 9, 0), Period::WorkingDays(0)),
        "2025-03-05T17:00:00+07:00"
    );
    // After closing, or on a day off: the next working day.
    assert_eq!(
        due(at(2025, 3, 5, 18, 0), Period::WorkingDays(0)),
        "2025-03-06T17:00:00+07:00"
    );
    assert_eq!(
        due(at(2025, 3, 8, 9, 0), Period::WorkingDays(0)),
        "2025-03-10T17:00:00+07:00"
    );
}

fn start_strategy() -> impl Strategy<Value = NaiveDateTime> {
    (0i64..(13 * 365), 0u32..24, 0u32..60).prop_map(|(days, h, m)| {
        (d(2018, 1, 1) + Duration::days(days))
            .and_hms_opt(h, m, 0)
            .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A due date N working days away has exactly N working days after the
    /// start day, ends on a working day, at closing time.
    #[test]
    fn working_day_counting_and_due_dates_agree(start in start_strategy(), n in 1u32..80) {
        let cal = WorkCalendar::bundled().unwrap();
        let hours = OfficeHours::standard();
        let due = cal.due(start, Period::WorkingDays(n), &hours).unwrap();
        prop_assert_eq!(cal.working_days_between(start.date(), due.date()).unwrap(), n);
        prop_assert!(cal.is_working_day(due.date()).unwrap());
        prop_assert_eq!(due.time(), hours.closing());
        // One day earlier would not have been enough.
        let day_before = cal.add_working_days(start.date(), n - 1).unwrap();
        prop_assert!(day_before < due.date());
    }

    /// N working hours later, exactly N hours of office time have passed.
    #[test]
    fn working_hours_and_office_time_agree(start in start_strategy(), n in 1u32..100) {
        let cal = WorkCalendar::bundled().unwrap();
        let hours = OfficeHours::standard();
        let due = cal.due(start, Period::WorkingHours(n), &hours).unwrap();
        prop_assert_eq!(
            cal.working_time_between(start, due, &hours).unwrap(),
            TimeDelta::hours(i64::from(n))
        );
    }

    /// A calendar-day period ends on a working day, never before N days.
    #[test]
    fn calendar_day_periods_end_on_working_days(start in start_strategy(), n in 0u32..60) {
        let cal = WorkCalendar::bundled().unwrap();
        let due = cal.due(start, Period::CalendarDays(n), &OfficeHours::standard()).unwrap();
        prop_assert!(cal.is_working_day(due.date()).unwrap());
        prop_assert!(due.date() >= start.date() + Duration::days(i64::from(n)));
        let first_monday_gap = (due.date() - (start.date() + Duration::days(i64::from(n)))).num_days();
        prop_assert!(first_monday_gap <= 12, "moved {} days", first_monday_gap);
        prop_assert_eq!(due.date().year() >= 2018, true);
    }
}

#[test]
fn the_generated_tet_matches_most_announced_schedules() {
    use motcua_domain::calendar::holidays;
    let cal = WorkCalendar::bundled().unwrap();
    let mut matching = Vec::new();
    for year in 2018..=2026 {
        let generated: Vec<NaiveDate> = holidays::generated_days(year)
            .unwrap()
            .unwrap()
            .into_iter()
            .filter(|g| g.holiday == Holiday::LunarNewYear)
            .map(|g| g.date)
            .filter(|d| d.weekday().number_from_monday() <= 5)
            .collect();
        let announced: Vec<NaiveDate> = cal
            .special_days(year)
            .unwrap()
            .into_iter()
            .filter(|s| s.holidays == [Holiday::LunarNewYear])
            .map(|s| s.date)
            .collect();
        if generated == announced {
            matching.push(year);
        }
    }
    // Only 2025 (whose break put the weekdays 27–31/01 off, 28 Chạp to
    // mùng 3) chose differently.
    assert_eq!(
        matching,
        vec![2018, 2019, 2020, 2021, 2022, 2023, 2024, 2026]
    );
}

#[test]
fn periods_starting_on_a_boundary() {
    // Exactly at closing time: no office time left that day.
    assert_eq!(
        due(at(2025, 3, 5, 17, 0), Period::WorkingHours(1)),
        "2025-03-06T08:00:00+07:00"
    );
    // Exactly at the start of lunch: the afternoon session.
    assert_eq!(
        due(at(2025, 3, 5, 11, 30), Period::WorkingHours(1)),
        "2025-03-05T14:30:00+07:00"
    );
    // A same-day procedure received at closing time: the next working day.
    assert_eq!(
        due(at(2025, 3, 5, 17, 0), Period::WorkingDays(0)),
        "2025-03-06T17:00:00+07:00"
    );
    // On the worked Saturday 26/04/2025, office hours count.
    assert_eq!(
        due(at(2025, 4, 26, 15, 0), Period::WorkingHours(4)),
        "2025-04-28T09:00:00+07:00"
    );
    // Zero working hours end where they start, even on a Sunday.
    assert_eq!(
        due(at(2025, 3, 9, 10, 0), Period::WorkingHours(0)),
        "2025-03-09T10:00:00+07:00"
    );
}

#[test]
fn a_schedule_from_the_database_is_checked_like_a_file() {
    use motcua_domain::calendar::{OfficialBreak, Verification};
    let mut b = OfficialBreak {
        holiday_year: 2027,
        covers: vec![Holiday::NationalDay],
        from: d(2027, 9, 1),
        to: d(2027, 9, 3),
        worked_saturdays: vec![],
        status: Verification::Unverified,
        sources: vec!["test".into()],
        letter: None,
        note: None,
    };
    assert!(WorkCalendar::new(vec![b.clone()]).is_ok());
    b.holiday_year = 0; // a row read without its year
    assert!(WorkCalendar::new(vec![b.clone()]).is_err());
    b.holiday_year = 2027;
    b.from = d(2027, 9, 3);
    assert!(
        WorkCalendar::new(vec![b]).is_err(),
        "2/9 lies outside the break"
    );
}

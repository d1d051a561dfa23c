//! Official holiday schedules: the breaks and worked Saturdays the Government
//! announced for civil servants, as data.
//!
//! The repository keeps one readable TOML file per holiday year in
//! `data/holidays/` (see its README); they are compiled in here as the
//! default and seed the database, where administrators correct and extend
//! them. Each break names the holidays it covers, its continuous span
//! (weekend days included), the Saturdays worked in exchange, its sources and
//! whether it is verified.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::holidays::Holiday;

/// How far a schedule entry has been checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verification {
    /// Confirmed by an official letter or several consistent reports.
    Verified,
    /// Confirmed only by a single low-quality page, a pre-announcement or a
    /// company calendar.
    Weak,
    /// Not confirmed; derived or assumed.
    Unverified,
}

impl Verification {
    pub fn key(self) -> &'static str {
        match self {
            Verification::Verified => "verified",
            Verification::Weak => "weak",
            Verification::Unverified => "unverified",
        }
    }
}

/// One announced break of a holiday year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct OfficialBreak {
    /// The year whose holidays this break is for (the 2019 New Year break
    /// starts in December 2018).
    #[serde(default)]
    pub holiday_year: i32,
    /// The holidays whose generated days this break replaces.
    pub covers: Vec<Holiday>,
    /// First day of the continuous break.
    pub from: NaiveDate,
    /// Last day of the continuous break.
    pub to: NaiveDate,
    /// Saturdays worked in exchange for a swapped weekday (*hoán đổi*).
    #[serde(default)]
    pub worked_saturdays: Vec<NaiveDate>,
    pub status: Verification,
    /// Where the dates come from (news pages, official letters).
    pub sources: Vec<String>,
    /// The Government Office letter, when a source quotes it
    /// (e.g. "CV 2450/VPCP-KGVX, 12/04/2024").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl OfficialBreak {
    /// Every day of the break, weekend days included.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.from.iter_days().take_while(|d| *d <= self.to)
    }
}

/// A schedule file that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// A break handed to the calendar (from the database) is not valid.
    #[error("break {index} of the schedule: {reason}")]
    Break { index: usize, reason: String },
    #[error("{file}: {reason}")]
    Parse { file: String, reason: String },
    #[error("{file}, break {index}: {reason}")]
    Invalid {
        file: String,
        index: usize,
        reason: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleFile {
    year: i32,
    #[serde(default, rename = "break")]
    breaks: Vec<OfficialBreak>,
}

/// The schedules shipped in the repository, one file per holiday year.
const BUNDLED: &[(&str, &str)] = &[
    (
        "2018.toml",
        include_str!("../../../../data/holidays/2018.toml"),
    ),
    (
        "2019.toml",
        include_str!("../../../../data/holidays/2019.toml"),
    ),
    (
        "2020.toml",
        include_str!("../../../../data/holidays/2020.toml"),
    ),
    (
        "2021.toml",
        include_str!("../../../../data/holidays/2021.toml"),
    ),
    (
        "2022.toml",
        include_str!("../../../../data/holidays/2022.toml"),
    ),
    (
        "2023.toml",
        include_str!("../../../../data/holidays/2023.toml"),
    ),
    (
        "2024.toml",
        include_str!("../../../../data/holidays/2024.toml"),
    ),
    (
        "2025.toml",
        include_str!("../../../../data/holidays/2025.toml"),
    ),
    (
        "2026.toml",
        include_str!("../../../../data/holidays/2026.toml"),
    ),
];

/// The names of the bundled schedule files (for the test that checks none
/// is forgotten).
pub fn bundled_files() -> impl Iterator<Item = &'static str> {
    BUNDLED.iter().map(|(name, _)| *name)
}

/// The official breaks shipped with motcua.
pub fn bundled() -> Result<Vec<OfficialBreak>, ScheduleError> {
    let mut all = Vec::new();
    for (file, text) in BUNDLED {
        all.extend(parse(file, text)?);
    }
    Ok(all)
}

/// Reads one schedule file (TOML) and checks every break; `file` names it in
/// errors. All or nothing: one bad break rejects the file.
pub fn parse(file: &str, text: &str) -> Result<Vec<OfficialBreak>, ScheduleError> {
    parse_year(file, text).map(|(_, breaks)| breaks)
}

/// [`parse`], with the holiday year the file is for (a year may have no
/// break at all).
pub fn parse_year(file: &str, text: &str) -> Result<(i32, Vec<OfficialBreak>), ScheduleError> {
    let parsed: ScheduleFile = toml::from_str(text).map_err(|e| ScheduleError::Parse {
        file: file.to_owned(),
        reason: e.message().to_owned(),
    })?;
    let mut breaks = parsed.breaks;
    for (index, b) in breaks.iter_mut().enumerate() {
        b.holiday_year = parsed.year;
        validate(b).map_err(|reason| ScheduleError::Invalid {
            file: file.to_owned(),
            index: index + 1,
            reason,
        })?;
    }
    for (i, b) in breaks.iter().enumerate() {
        for later in &breaks[i + 1..] {
            if let Some(h) = b.covers.iter().find(|h| later.covers.contains(h)) {
                return Err(ScheduleError::Invalid {
                    file: file.to_owned(),
                    index: i + 1,
                    reason: format!("holiday `{}` is covered by two breaks", h.key()),
                });
            }
        }
    }
    Ok((parsed.year, breaks))
}

/// Checks one break on its own.
pub fn validate(b: &OfficialBreak) -> Result<(), String> {
    if b.covers.is_empty() {
        return Err("`covers` names no holiday".into());
    }
    if b.from > b.to {
        return Err(format!("`from` {} is after `to` {}", b.from, b.to));
    }
    let span = (b.to - b.from).num_days() + 1;
    if span > 16 {
        return Err(format!("a break of {span} days is implausible"));
    }
    let year = b.holiday_year;
    let near = |d: NaiveDate| (year - 1..=year + 1).contains(&d.year());
    if !near(b.from) || !near(b.to) {
        return Err(format!("dates are not near the holiday year {year}"));
    }
    for sat in &b.worked_saturdays {
        if sat.weekday() != Weekday::Sat {
            return Err(format!("worked day {sat} is not a Saturday"));
        }
        if b.days().any(|d| d == *sat) {
            return Err(format!("worked Saturday {sat} lies inside the break"));
        }
    }
    if b.sources.is_empty() {
        return Err("`sources` is empty: say where the dates come from".into());
    }
    for holiday in &b.covers {
        let day = statutory_day(*holiday, year).map_err(|e| format!("holiday year {year}: {e}"))?;
        if day < b.from || day > b.to {
            return Err(format!(
                "`{}` of {year} falls on {day}, outside the break {} to {}",
                holiday.key(),
                b.from,
                b.to
            ));
        }
    }
    Ok(())
}

/// The day a holiday itself falls on in `year` (its first day for Tết).
fn statutory_day(holiday: Holiday, year: i32) -> Result<NaiveDate, super::CalendarError> {
    let fixed = |m, d| Ok(NaiveDate::from_ymd_opt(year, m, d).unwrap_or(NaiveDate::MIN));
    match holiday {
        Holiday::NewYear => fixed(1, 1),
        Holiday::LunarNewYear => super::lunar::tet(year),
        Holiday::HungKings => super::lunar::hung_kings_day(year),
        Holiday::ReunificationDay => fixed(4, 30),
        Holiday::LabourDay => fixed(5, 1),
        Holiday::NationalDay => fixed(9, 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_schedules_parse() {
        let all = bundled().unwrap();
        assert!(all.len() >= 40, "{}", all.len());
    }

    #[test]
    fn a_worked_day_must_be_a_saturday() {
        let text = r#"
            year = 2025
            [[break]]
            covers = ["labour-day"]
            from = "2025-04-30"
            to = "2025-05-04"
            worked-saturdays = ["2025-04-27"]
            status = "verified"
            sources = ["x"]
        "#;
        let err = parse("t.toml", text).unwrap_err();
        assert!(err.to_string().contains("not a Saturday"), "{err}");
    }

    #[test]
    fn a_break_must_contain_the_holidays_it_covers() {
        // The 2019 New Year break filed under 2018 by mistake.
        let text = r#"
            year = 2018
            [[break]]
            covers = ["new-year"]
            from = "2018-12-29"
            to = "2019-01-01"
            status = "verified"
            sources = ["x"]
        "#;
        let err = parse("t.toml", text).unwrap_err();
        assert!(err.to_string().contains("outside the break"), "{err}");
    }

    #[test]
    fn unknown_fields_and_holidays_are_refused() {
        let text = r#"
            year = 2025
            [[break]]
            covers = ["christmas"]
            from = "2025-12-25"
            to = "2025-12-25"
            status = "verified"
            sources = ["x"]
        "#;
        assert!(parse("t.toml", text).is_err());
    }
}

//! `motcua calendar …`: the legal clock from the command line.
//!
//! Output formats are stable (scripts read them): dates as `YYYY-MM-DD`,
//! instants as RFC 3339 with `+07:00`, JSON with fixed keys.

use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use clap::{ArgGroup, Args, Subcommand};
use motcua_domain::calendar::{
    self, CalendarError, DaySource, OfficeHours, Period, SpecialDay, SpecialDayKind, WorkCalendar,
    lunar,
};
use motcua_i18n::{Arg, Lang};
use serde::Serialize;

use crate::error::CliError;
use crate::output;

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// The Gregorian date of Tết (lunar 1/1) of YEAR.
    Tet {
        /// The year, e.g. 2026.
        year: String,
    },
    /// The lunar date of a Gregorian date.
    Lunar {
        /// YYYY-MM-DD
        date: String,
        /// Print {"year":Y,"month":M,"day":D,"leap":BOOL}.
        #[arg(long)]
        json: bool,
    },
    /// Every weekday off and every worked Saturday of YEAR, with its origin.
    Holidays {
        /// The year, e.g. 2025.
        year: String,
        #[arg(long)]
        json: bool,
    },
    /// When a period that starts at --received ends.
    Due(DueArgs),
    /// Publish a year's official schedule (a file like
    /// `data/holidays/2026.toml`), or a correction of it: it replaces that
    /// year's breaks, and every open dossier whose due date moves gets it
    /// recorded on its timeline.
    Publish(PublishArgs),
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The schedule file (TOML).
    pub file: std::path::PathBuf,
    #[command(flatten)]
    pub data: crate::storage::DataArgs,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("period").required(true).args(["days", "hours", "calendar_days"])))]
pub struct DueArgs {
    /// When the clock starts, in Vietnam's time: YYYY-MM-DDTHH:MM (an
    /// RFC 3339 offset is also accepted).
    #[arg(long)]
    received: String,
    /// N working days.
    #[arg(long, allow_hyphen_values = true)]
    days: Option<String>,
    /// N working hours.
    #[arg(long, allow_hyphen_values = true)]
    hours: Option<String>,
    /// N calendar days.
    #[arg(long, allow_hyphen_values = true)]
    calendar_days: Option<String>,
}

/// Publishes a schedule file into the store and recomputes open due dates.
fn publish(args: PublishArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let text = std::fs::read_to_string(&args.file).map_err(|e| CliError::file(&args.file, e))?;
    let name = args.file.display().to_string();
    let (year, breaks) = calendar::schedule::parse_year(&name, &text).map_err(|e| {
        CliError::Message(lang.tr_args(
            "calendar-schedule-invalid",
            &[("reason", Arg::from(e.to_string()))],
        ))
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let svc = crate::storage::open_services(&args.data, lang).await?;
        crate::storage::closing(svc.store.as_ref(), async {
            let published = motcua_app::office::calendar::publish_year(
                &svc,
                None,
                year,
                breaks,
                chrono::Utc::now(),
            )
            .await
            .map_err(|e| crate::admin_cmd::app_error(e, lang))?;
            output::line(lang.tr_args(
                "calendar-published",
                &[
                    ("year", Arg::from(i64::from(year))),
                    ("breaks", Arg::from(published.breaks)),
                    ("moved", Arg::from(published.moved)),
                ],
            ))?;
            Ok(ExitCode::SUCCESS)
        })
        .await
    })
}

pub fn run(cmd: CalendarCommand, lang: Lang) -> Result<ExitCode, CliError> {
    match cmd {
        CalendarCommand::Publish(args) => return publish(args, lang),
        CalendarCommand::Tet { year } => {
            let year = parse_year(&year, lang)?;
            let tet = lunar::tet(year).map_err(|e| calendar_error(&e, lang))?;
            output::line(tet.format("%Y-%m-%d"))?;
        }
        CalendarCommand::Lunar { date, json } => {
            let date = parse_date(&date, lang)?;
            let l = lunar::to_lunar(date).map_err(|e| calendar_error(&e, lang))?;
            if json {
                output::line(to_json(&l)?)?;
            } else {
                let key = if l.leap {
                    "calendar-lunar-date-leap"
                } else {
                    "calendar-lunar-date"
                };
                output::line(lang.tr_args(
                    key,
                    &[
                        ("day", Arg::from(u32::from(l.day))),
                        ("month", Arg::from(u32::from(l.month))),
                        ("year", Arg::from(i64::from(l.year))),
                    ],
                ))?;
            }
        }
        CalendarCommand::Holidays { year, json } => {
            let year = parse_year(&year, lang)?;
            let cal = bundled_calendar(lang)?;
            let days = cal
                .special_days(year)
                .map_err(|e| calendar_error(&e, lang))?;
            if json {
                let rows: Vec<HolidayRow> = days.iter().map(|d| HolidayRow::new(d, lang)).collect();
                output::line(to_json(&rows)?)?;
            } else {
                for day in &days {
                    output::line(holiday_line(day, lang))?;
                }
            }
        }
        CalendarCommand::Due(args) => {
            let start = parse_instant(&args.received, lang)?;
            let period = match (&args.days, &args.hours, &args.calendar_days) {
                (Some(n), _, _) => Period::WorkingDays(parse_count(n, "--days", lang)?),
                (_, Some(n), _) => Period::WorkingHours(parse_count(n, "--hours", lang)?),
                (_, _, Some(n)) => Period::CalendarDays(parse_count(n, "--calendar-days", lang)?),
                (None, None, None) => {
                    return Err(CliError::Message(lang.tr("calendar-error-no-period")));
                }
            };
            let cal = bundled_calendar(lang)?;
            let due = cal
                .due(start, period, &OfficeHours::standard())
                .map_err(|e| calendar_error(&e, lang))?;
            output::line(calendar::in_vietnam(calendar::to_utc(due)).to_rfc3339())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The calendar with the schedules shipped in the repository. (The server
/// and data commands use the database's copy once the store exists.)
fn bundled_calendar(lang: Lang) -> Result<WorkCalendar, CliError> {
    WorkCalendar::bundled().map_err(|e| {
        CliError::Message(lang.tr_args(
            "calendar-error-schedule",
            &[("reason", e.to_string().into())],
        ))
    })
}

fn to_json(value: &impl Serialize) -> Result<String, CliError> {
    serde_json::to_string(value).map_err(|e| CliError::Message(e.to_string()))
}

fn parse_year(text: &str, lang: Lang) -> Result<i32, CliError> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1..=9999).contains(y))
        .ok_or_else(|| {
            CliError::Message(lang.tr_args("calendar-error-year", &[("value", text.into())]))
        })
}

fn parse_date(text: &str, lang: Lang) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        CliError::Message(lang.tr_args("calendar-error-date", &[("value", text.into())]))
    })
}

/// `YYYY-MM-DDTHH:MM[:SS]` in Vietnam's time, or RFC 3339 with any offset.
fn parse_instant(text: &str, lang: Lang) -> Result<NaiveDateTime, CliError> {
    let t = text.trim();
    if let Ok(with_offset) = DateTime::parse_from_rfc3339(t) {
        return Ok(calendar::to_local(with_offset.to_utc()));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .ok_or_else(|| {
            CliError::Message(lang.tr_args("calendar-error-instant", &[("value", text.into())]))
        })
}

fn parse_count(text: &str, flag: &str, lang: Lang) -> Result<u32, CliError> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= 10_000)
        .ok_or_else(|| {
            CliError::Message(lang.tr_args(
                "calendar-error-count",
                &[("flag", flag.into()), ("value", text.into())],
            ))
        })
}

fn calendar_error(e: &CalendarError, lang: Lang) -> CliError {
    CliError::Message(lang.describe(e))
}

fn holiday_names(day: &SpecialDay, lang: Lang) -> String {
    let names: Vec<String> = day
        .holidays
        .iter()
        .map(|h| lang.tr(&format!("holiday-{}", h.key())))
        .collect();
    let joined = names.join(", ");
    if day.compensatory {
        lang.tr_args("calendar-compensatory", &[("holiday", joined.into())])
    } else {
        joined
    }
}

fn origin_text(source: &DaySource, lang: Lang) -> String {
    match source {
        DaySource::Official { status, letter, .. } => {
            let status = lang.tr(&format!("calendar-status-{}", status.key()));
            match letter {
                Some(letter) => lang.tr_args(
                    "calendar-origin-official-letter",
                    &[("status", status.into()), ("letter", letter.clone().into())],
                ),
                None => lang.tr_args("calendar-origin-official", &[("status", status.into())]),
            }
        }
        DaySource::Generated { law } => lang.tr_args(
            "calendar-origin-generated",
            &[("law", law.article().into())],
        ),
    }
}

fn holiday_line(day: &SpecialDay, lang: Lang) -> String {
    let kind = match day.kind {
        SpecialDayKind::DayOff => lang.tr("calendar-kind-day-off"),
        SpecialDayKind::WorkedSaturday => lang.tr("calendar-kind-worked-saturday"),
    };
    format!(
        "{}\t{}\t{}\t{}",
        day.date.format("%Y-%m-%d"),
        kind,
        holiday_names(day, lang),
        origin_text(&day.source, lang)
    )
}

/// One line of `calendar holidays --json`.
#[derive(Serialize)]
struct HolidayRow {
    date: String,
    kind: SpecialDayKind,
    holidays: Vec<&'static str>,
    name: String,
    compensatory: bool,
    origin: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    letter: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sources: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    law: Option<&'static str>,
}

impl HolidayRow {
    fn new(day: &SpecialDay, lang: Lang) -> Self {
        let (origin, status, letter, sources, law) = match &day.source {
            DaySource::Official {
                status,
                sources,
                letter,
            } => (
                "official",
                Some(status.key()),
                letter.clone(),
                sources.clone(),
                None,
            ),
            DaySource::Generated { law } => {
                ("generated", None, None, Vec::new(), Some(law.article()))
            }
        };
        HolidayRow {
            date: day.date.format("%Y-%m-%d").to_string(),
            kind: day.kind,
            holidays: day.holidays.iter().map(|h| h.key()).collect(),
            name: holiday_names(day, lang),
            compensatory: day.compensatory,
            origin,
            status,
            letter,
            sources,
            law,
        }
    }
}

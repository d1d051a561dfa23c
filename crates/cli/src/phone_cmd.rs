//! `motcua phone …`: normalise and convert Vietnamese phone numbers.
//!
//! The reading itself is `motcua_domain::phone`; this file turns its answers
//! into lines, JSON and messages in the user's language (`phone.ftl`).
//!
//! Scripts call these commands; their exit statuses are part of the interface:
//! - `normalize`: 0 when every input is a valid number today; 1 when at least
//!   one is invalid or ambiguous (each input still gets its line: a bad input
//!   is a result, not a crash); 2 for a usage error.
//! - `convert`: 0 when OUT was written — rows it could not convert are listed
//!   in the rejects file and counted in the summary; 1 when it failed, in
//!   which case nothing was written; 2 for a usage error.

// The converter lives in its own folder, `phone_convert/`.
#[path = "phone_convert/mod.rs"]
mod phone_convert;

use std::io::Write;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use motcua_domain::message::Message;
use motcua_domain::phone::{self, Kind, PhoneError, PhoneNumber, Reading, Recorded};
use motcua_i18n::{Arg, Lang};
use serde_json::{Value, json};

use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum PhoneCommand {
    /// Print each number as it is dialled today, one line per input
    /// (exit 1 if any input is invalid or ambiguous).
    Normalize(NormalizeArgs),
    /// Convert the numbers of a CSV or XLSX column, or every TEL of a vCard
    /// file, into a new file; rows not converted go to OUT.rejects.csv.
    Convert(phone_convert::ConvertArgs),
}

#[derive(Debug, Args)]
pub struct NormalizeArgs {
    /// Numbers as written (quote a number that has spaces).
    #[arg(required = true, value_name = "NUMBER")]
    numbers: Vec<String>,
    /// The numbers were recorded before this date (YYYY-MM-DD): only the
    /// meanings a number had before then count.
    #[arg(long, value_name = "YYYY-MM-DD")]
    recorded_before: Option<String>,
    /// One JSON object per line instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: PhoneCommand, lang: Lang) -> Result<ExitCode, CliError> {
    match cmd {
        PhoneCommand::Normalize(args) => normalize(args, lang),
        PhoneCommand::Convert(args) => phone_convert::run(args, lang),
    }
}

fn normalize(args: NormalizeArgs, lang: Lang) -> Result<ExitCode, CliError> {
    let recorded = match &args.recorded_before {
        Some(text) => Recorded::Before(date_flag(text, "--recorded-before", lang)?),
        None => Recorded::Unknown,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all_valid = true;
    for input in &args.numbers {
        let result = phone::normalize(input, recorded);
        all_valid &= result.is_ok();
        let line = if args.json {
            json_line(input, &result, lang).to_string()
        } else {
            text_line(input, &result, lang)
        };
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The text line: the number alone when valid (so scripts can read it),
/// else the input and why.
fn text_line(input: &str, result: &Result<PhoneNumber, PhoneError>, lang: Lang) -> String {
    match result {
        Ok(n) => n.national().to_owned(),
        Err(e) => {
            let key = if e.is_ambiguous() {
                "phone-normalize-ambiguous"
            } else {
                "phone-normalize-invalid"
            };
            lang.tr_args(
                key,
                &[
                    ("input", input.into()),
                    ("reason", error_text(e, lang).into()),
                ],
            )
        }
    }
}

/// The JSON line: the same keys for every status, `null` where they do not
/// apply.
fn json_line(input: &str, result: &Result<PhoneNumber, PhoneError>, lang: Lang) -> Value {
    match result {
        Ok(n) => {
            let mut v = reading_json(n.reading());
            v["input"] = json!(input);
            v["status"] = json!("ok");
            v["reason"] = Value::Null;
            v["error"] = Value::Null;
            v["candidates"] = Value::Null;
            v
        }
        Err(e) => json!({
            "input": input,
            "status": if e.is_ambiguous() { "ambiguous" } else { "invalid" },
            "national": null,
            "e164": null,
            "kind": null,
            "network": null,
            "province": null,
            "converted_from": null,
            "rule": null,
            "reason": error_text(e, lang),
            "error": e.message_key(),
            "candidates": if e.is_ambiguous() {
                Value::Array(e.readings().iter().map(reading_json).collect())
            } else {
                Value::Null
            },
        }),
    }
}

fn reading_json(r: &Reading) -> Value {
    let today = r.today();
    let e164 = format!("+84{}", today.as_str().get(1..).unwrap_or(""));
    json!({
        "national": today.as_str(),
        "e164": e164,
        "kind": r.kind().as_str(),
        "network": r.network().map(|n| n.name()),
        "province": r.province(),
        "converted_from": r.is_renumbered().then(|| r.read_as().to_string()),
        "rule": r.is_renumbered().then_some(r.entry().source),
    })
}

/// A domain error in the user's language.
pub(crate) fn error_text(e: &PhoneError, lang: Lang) -> String {
    let mut extra: Vec<(&'static str, Arg)> = Vec::new();
    if e.is_ambiguous() {
        let candidates: Vec<String> = e.readings().iter().map(|r| reading_text(r, lang)).collect();
        extra.push(("candidates", candidates.join("; ").into()));
    }
    lang.describe_with(e, extra)
}

/// One meaning of a number, for the list of an ambiguous one.
pub(crate) fn reading_text(r: &Reading, lang: Lang) -> String {
    let number = r.today().to_string();
    let from = r.read_as().to_string();
    let prefix = r.form().prefix();
    match (r.kind(), r.is_renumbered()) {
        (Kind::Mobile, false) => lang.tr_args(
            "phone-reading-mobile",
            &[
                ("number", number.into()),
                ("network", network_name(r).into()),
            ],
        ),
        (Kind::Mobile, true) => lang.tr_args(
            "phone-reading-old-mobile",
            &[
                ("number", number.into()),
                ("network", network_name(r).into()),
                ("from", from.into()),
                ("prefix", prefix.into()),
            ],
        ),
        (Kind::Landline, false) => lang.tr_args(
            "phone-reading-landline",
            &[
                ("number", number.into()),
                ("province", r.province().unwrap_or("").into()),
            ],
        ),
        (Kind::Landline, true) => lang.tr_args(
            "phone-reading-old-landline",
            &[
                ("number", number.into()),
                ("province", r.province().unwrap_or("").into()),
                ("from", from.into()),
                ("prefix", prefix.into()),
            ],
        ),
    }
}

fn network_name(r: &Reading) -> &'static str {
    r.network().map_or("", |n| n.name())
}

/// Reads a date written `YYYY-MM-DD` or `dd/mm/yyyy` (`d/m/yyyy` too),
/// optionally followed by a time (`2019-05-01 10:22`, `2019-05-01T10:22:00`),
/// which is ignored.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let date = text.split([' ', 'T']).next().unwrap_or(text);
    let number = |s: &str, max_len: usize| -> Option<u32> {
        if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let mut dashed = date.split('-');
    let mut slashed = date.split('/');
    let (year, month, day) = match (dashed.next(), dashed.next(), dashed.next(), dashed.next()) {
        (Some(y), Some(m), Some(d), None) if y.len() == 4 => (y, m, d),
        _ => match (
            slashed.next(),
            slashed.next(),
            slashed.next(),
            slashed.next(),
        ) {
            (Some(d), Some(m), Some(y), None) if y.len() == 4 => (y, m, d),
            _ => return None,
        },
    };
    let year = i32::try_from(number(year, 4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(month, 2)?, number(day, 2)?)
}

/// A date given on the command line, or a one-line error naming the flag.
pub(crate) fn date_flag(text: &str, flag: &'static str, lang: Lang) -> Result<NaiveDate, CliError> {
    parse_date(text).ok_or_else(|| {
        CliError::Message(lang.tr_args(
            "phone-bad-date-flag",
            &[("flag", flag.into()), ("value", text.into())],
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_both_spellings() {
        let d = NaiveDate::from_ymd_opt(2019, 5, 1);
        assert_eq!(parse_date("2019-05-01"), d);
        assert_eq!(parse_date("01/05/2019"), d);
        assert_eq!(parse_date("1/5/2019"), d);
        assert_eq!(parse_date(" 2019-05-01 10:22:00 "), d);
        assert_eq!(parse_date("2019-05-01T10:22:00"), d);
        assert_eq!(parse_date("2019-13-01"), None);
        assert_eq!(parse_date("31/02/2019"), None);
        assert_eq!(parse_date("hôm qua"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn every_error_key_is_in_the_catalogs() {
        let day = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
        let inputs = [
            ("", Recorded::Unknown),
            ("abc", Recorded::Unknown),
            ("09#", Recorded::Unknown),
            ("0912", Recorded::Unknown),
            ("0912345678901234", Recorded::Unknown),
            ("+1 212 555 0100", Recorded::Unknown),
            ("113", Recorded::Unknown),
            ("0951234567", Recorded::Unknown),
            ("09123456789", Recorded::Unknown),
            ("02771234567", Recorded::Unknown),
            ("0321234567", Recorded::On(day)),
            ("0321234567", Recorded::Before(day)),
            ("0333851234", Recorded::Unknown),
        ];
        for lang in Lang::ALL {
            for (input, recorded) in inputs {
                if let Err(e) = phone::normalize(input, recorded) {
                    assert!(lang.has(e.message_key()), "{lang}: {}", e.message_key());
                    let text = error_text(&e, lang);
                    assert!(
                        !text.is_empty() && !text.contains("phone-"),
                        "{lang} {input}: {text}"
                    );
                }
            }
        }
    }
}

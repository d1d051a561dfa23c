//! Dossier codes (*mã hồ sơ*): `AGENCY-YYMMDD-NNNN`.
//!
//! - `AGENCY` is an agency's electronic identifier (QCVN 102:2016, e.g.
//!   `000.00.12.H29`): the receiving unit's under ND 61/TT 01 (Art. 19); under
//!   ND 118 (Art. 28(a)) the deciding agency's, or for a linked group the
//!   receiving unit's (in person) or the national portal's (online) — see
//!   [`code_agency`]. The exact character classes of the identifier were not
//!   verified, so any dot-separated groups of capital letters and digits are
//!   accepted.
//! - `YYMMDD` is the date of the entry instant in Vietnam.
//! - `NNNN` is the unit's daily sequence, from 1; its width is regime data
//!   (TT 01: 4 digits, so at most 9,999 a day; TT 03: 4 written, 4–7 read,
//!   so a busier day goes on with 5 digits and more).
//!
//! A code assigned upstream (by the national portal) is kept exactly as
//! given ([`DossierCode::upstream`]).

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar;
use crate::lifecycle::Channel;
use crate::message::{Message, MessageArg};
use crate::regime::{CodeAgencyRule, CodeFormat};

/// Why a code or identifier is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error(
        "agency identifier `{0}` must be groups of capital letters and digits separated by dots"
    )]
    BadAgency(String),
    #[error("`{0}` is not a dossier code (AGENCY-YYMMDD-NNNN)")]
    Malformed(String),
    #[error("`{0}` is not a valid date (YYMMDD)")]
    BadDate(String),
    #[error("the sequence `{got}` must have {min} to {max} digits")]
    SequenceWidth { got: String, min: u8, max: u8 },
    #[error("daily sequence {sequence} is out of range 1–{max}")]
    SequenceOutOfRange { sequence: u32, max: u32 },
    #[error("an upstream code must be 1–64 visible ASCII characters")]
    BadUpstream,
}

impl Message for CodeError {
    fn message_key(&self) -> &'static str {
        match self {
            CodeError::BadAgency(_) => "code-error-agency",
            CodeError::Malformed(_) => "code-error-malformed",
            CodeError::BadDate(_) => "code-error-date",
            CodeError::SequenceWidth { .. } => "code-error-sequence-width",
            CodeError::SequenceOutOfRange { .. } => "code-error-sequence-range",
            CodeError::BadUpstream => "code-error-upstream",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        match self {
            CodeError::BadAgency(v) | CodeError::Malformed(v) | CodeError::BadDate(v) => {
                vec![("value", MessageArg::text(v.clone()))]
            }
            CodeError::SequenceWidth { got, min, max } => vec![
                ("value", MessageArg::text(got.clone())),
                ("min", MessageArg::Count(u64::from(*min))),
                ("max", MessageArg::Count(u64::from(*max))),
            ],
            CodeError::SequenceOutOfRange { sequence, max } => vec![
                ("sequence", MessageArg::Count(u64::from(*sequence))),
                ("max", MessageArg::Count(u64::from(*max))),
            ],
            CodeError::BadUpstream => vec![],
        }
    }
}

/// An agency's electronic identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyId(String);

impl AgencyId {
    pub fn new(text: &str) -> Result<Self, CodeError> {
        let ok = !text.is_empty()
            && text.len() <= 40
            && text.split('.').all(|group| {
                !group.is_empty()
                    && group
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            });
        if ok {
            Ok(AgencyId(text.to_owned()))
        } else {
            Err(CodeError::BadAgency(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AgencyId {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        AgencyId::new(&s)
    }
}

impl From<AgencyId> for String {
    fn from(id: AgencyId) -> Self {
        id.0
    }
}

impl fmt::Display for AgencyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whose identifier opens the code of a dossier.
pub fn code_agency<'a>(
    rule: CodeAgencyRule,
    receiving_unit: &'a AgencyId,
    deciding_agency: &'a AgencyId,
    linked_group: bool,
    channel: Channel,
    national_portal: &'a AgencyId,
) -> &'a AgencyId {
    match rule {
        CodeAgencyRule::ReceivingUnit => receiving_unit,
        CodeAgencyRule::DecidingAgency if !linked_group => deciding_agency,
        CodeAgencyRule::DecidingAgency if channel.is_online() => national_portal,
        CodeAgencyRule::DecidingAgency => receiving_unit,
    }
}

/// The parts of a code that follows the general shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeParts<'a> {
    pub agency: &'a str,
    pub date: NaiveDate,
    pub sequence: u32,
}

/// A dossier code, as issued or as received from upstream.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DossierCode(String);

impl DossierCode {
    /// Issues the code of the `sequence`-th dossier of `agency` on the day
    /// of `entered_at`: the sequence written with the format's width, and
    /// wider past it as far as the format reads (TT 03: the 10,000th of a
    /// day is `…-10000`, where under TT 01 a unit's day ends at 9,999).
    pub fn issue(
        agency: &AgencyId,
        entered_at: DateTime<Utc>,
        sequence: u32,
        format: CodeFormat,
    ) -> Result<Self, CodeError> {
        let max = max_sequence(format.sequence_width.max(format.sequence_widths.1));
        if sequence == 0 || sequence > max {
            return Err(CodeError::SequenceOutOfRange { sequence, max });
        }
        let day = calendar::to_local(entered_at).date();
        Ok(DossierCode(format!(
            "{agency}-{:02}{:02}{:02}-{sequence:0width$}",
            day.year().rem_euclid(100),
            day.month(),
            day.day(),
            width = usize::from(format.sequence_width)
        )))
    }

    /// Reads a code under a regime's format (what an officer or citizen
    /// types): surrounding spaces are ignored, letters upper-cased.
    pub fn parse(text: &str, format: CodeFormat) -> Result<Self, CodeError> {
        let code = text.trim().to_ascii_uppercase();
        let (agency, date, seq) = split(&code).ok_or_else(|| CodeError::Malformed(code.clone()))?;
        AgencyId::new(agency)?;
        parse_date(date)?;
        let (min, max) = format.sequence_widths;
        let width = seq.len();
        if !seq.bytes().all(|b| b.is_ascii_digit())
            || width < usize::from(min)
            || width > usize::from(max)
        {
            return Err(CodeError::SequenceWidth {
                got: seq.to_owned(),
                min,
                max,
            });
        }
        if seq.bytes().all(|b| b == b'0') {
            return Err(CodeError::SequenceOutOfRange {
                sequence: 0,
                max: max_sequence(max),
            });
        }
        Ok(DossierCode(code))
    }

    /// A code assigned by the national portal, kept unchanged.
    pub fn upstream(text: &str) -> Result<Self, CodeError> {
        let ok = (1..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(DossierCode(text.to_owned()))
        } else {
            Err(CodeError::BadUpstream)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The agency, date and sequence, when the code has the general shape
    /// (an upstream code may not).
    pub fn parts(&self) -> Option<CodeParts<'_>> {
        let (agency, date, seq) = split(&self.0)?;
        AgencyId::new(agency).ok()?;
        Some(CodeParts {
            agency,
            date: parse_date(date).ok()?,
            sequence: seq.parse().ok()?,
        })
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn max_sequence(width: u8) -> u32 {
    10u32.saturating_pow(u32::from(width)).saturating_sub(1)
}

/// `AGENCY-YYMMDD-SEQ`, split from the right (the agency has no dash).
fn split(code: &str) -> Option<(&str, &str, &str)> {
    let (rest, seq) = code.rsplit_once('-')?;
    let (agency, date) = rest.rsplit_once('-')?;
    if agency.contains('-') || date.len() != 6 || seq.is_empty() {
        return None;
    }
    Some((agency, date, seq))
}

fn parse_date(yymmdd: &str) -> Result<NaiveDate, CodeError> {
    let bad = || CodeError::BadDate(yymmdd.to_owned());
    if yymmdd.len() != 6 || !yymmdd.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| yymmdd.get(r).and_then(|s| s.parse::<u32>().ok());
    let (y, m, d) = (
        num(0..2).ok_or_else(bad)?,
        num(2..4).ok_or_else(bad)?,
        num(4..6).ok_or_else(bad)?,
    );
    NaiveDate::from_ymd_opt(2000 + y as i32, m, d).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regime::{CircularId, DecreeId};
    use chrono::TimeZone;

    fn tt01() -> CodeFormat {
        CircularId::Tt01_2018.rules().code
    }
    fn tt03() -> CodeFormat {
        CircularId::Tt03_2025.rules().code
    }

    #[test]
    fn issues_with_the_date_in_vietnam() {
        let agency = AgencyId::new("000.00.12.H29").unwrap();
        // 17:30 UTC on 31/12/2024 is already 01/01/2025 in Vietnam.
        let at = Utc.with_ymd_and_hms(2024, 12, 31, 17, 30, 0).unwrap();
        let code = DossierCode::issue(&agency, at, 42, tt01()).unwrap();
        assert_eq!(code.as_str(), "000.00.12.H29-250101-0042");
        let parts = code.parts().unwrap();
        assert_eq!(parts.sequence, 42);
        assert_eq!(parts.date, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        assert_eq!(DossierCode::parse(code.as_str(), tt01()).unwrap(), code);
    }

    #[test]
    fn the_daily_sequence_is_bounded_by_its_width() {
        let agency = AgencyId::new("H29").unwrap();
        let at = Utc.with_ymd_and_hms(2025, 3, 3, 2, 0, 0).unwrap();
        assert!(DossierCode::issue(&agency, at, 9999, tt01()).is_ok());
        assert_eq!(
            DossierCode::issue(&agency, at, 10_000, tt01()),
            Err(CodeError::SequenceOutOfRange {
                sequence: 10_000,
                max: 9999
            })
        );
        assert!(DossierCode::issue(&agency, at, 0, tt01()).is_err());
    }

    #[test]
    fn a_busy_day_widens_the_sequence_as_far_as_codes_are_read() {
        // Measured: a load test reached a unit's 10,000th submission of the
        // day, which TT 03's codes (read with 4 to 7 digits) can carry.
        let agency = AgencyId::new("H29").unwrap();
        let at = Utc.with_ymd_and_hms(2026, 3, 3, 2, 0, 0).unwrap();
        let code = DossierCode::issue(&agency, at, 10_000, tt03()).unwrap();
        assert_eq!(code.as_str(), "H29-260303-10000");
        assert_eq!(DossierCode::parse(code.as_str(), tt03()).unwrap(), code);
        assert_eq!(
            DossierCode::issue(&agency, at, 42, tt03())
                .unwrap()
                .as_str(),
            "H29-260303-0042"
        );
        assert!(DossierCode::issue(&agency, at, 9_999_999, tt03()).is_ok());
        assert_eq!(
            DossierCode::issue(&agency, at, 10_000_000, tt03()),
            Err(CodeError::SequenceOutOfRange {
                sequence: 10_000_000,
                max: 9_999_999
            })
        );
    }

    #[test]
    fn reading_follows_the_regime() {
        // A 2026 Đắk Lắk code and a ministry-style 7-digit sequence.
        assert!(DossierCode::parse("H15.50.05.13-261008-0975", tt03()).is_ok());
        assert!(DossierCode::parse("H15.50.05.13-261008-0000975", tt03()).is_ok());
        assert!(matches!(
            DossierCode::parse("H15.50.05.13-261008-0000975", tt01()),
            Err(CodeError::SequenceWidth { .. })
        ));
        assert_eq!(
            DossierCode::parse("  h29-250101-0001 ", tt01())
                .unwrap()
                .as_str(),
            "H29-250101-0001"
        );
    }

    #[test]
    fn bad_codes_say_what_is_wrong() {
        assert!(matches!(
            DossierCode::parse("H29", tt01()),
            Err(CodeError::Malformed(_))
        ));
        assert!(matches!(
            DossierCode::parse("H29-251301-0001", tt01()),
            Err(CodeError::BadDate(_))
        ));
        assert!(matches!(
            DossierCode::parse("H 29-250101-0001", tt01()),
            Err(CodeError::BadAgency(_))
        ));
        assert!(matches!(
            DossierCode::parse("H29-250101-00A1", tt01()),
            Err(CodeError::SequenceWidth { .. })
        ));
        assert!(matches!(
            DossierCode::parse("H29-250101-0000", tt01()),
            Err(CodeError::SequenceOutOfRange { .. })
        ));
    }

    #[test]
    fn upstream_codes_are_kept_unchanged() {
        let code = DossierCode::upstream("G22.9-abc_2025/77").unwrap();
        assert_eq!(code.as_str(), "G22.9-abc_2025/77");
        assert!(code.parts().is_none());
        assert!(DossierCode::upstream("with space").is_err());
        assert!(DossierCode::upstream("").is_err());
    }

    #[test]
    fn the_code_agency_follows_the_decree() {
        let recv = AgencyId::new("CENTRE").unwrap();
        let decide = AgencyId::new("DEPT").unwrap();
        let portal = AgencyId::new("DVCQG").unwrap();
        let nd61 = DecreeId::Nd61_2018.rules().code_agency;
        let nd118 = DecreeId::Nd118_2025.rules().code_agency;
        assert_eq!(
            code_agency(nd61, &recv, &decide, false, Channel::Counter, &portal),
            &recv
        );
        assert_eq!(
            code_agency(nd118, &recv, &decide, false, Channel::Counter, &portal),
            &decide
        );
        assert_eq!(
            code_agency(nd118, &recv, &decide, true, Channel::Counter, &portal),
            &recv
        );
        assert_eq!(
            code_agency(
                nd118,
                &recv,
                &decide,
                true,
                Channel::NationalPortal,
                &portal
            ),
            &portal
        );
    }
}

//! An application form filled in: the values a browser or an API client
//! sent, checked against the procedure's field definitions
//! ([`crate::catalog::FormField`]) into typed values, with every problem
//! named next to its field.
//!
//! Inputs arrive as text, keyed by field id, the way an HTML form sends
//! them. An address field is three inputs: `ID.commune` (a commune code of
//! the list in force, picked from it), `ID.detail` (house number, street,
//! hamlet), or instead `ID.legacy` (an old three-tier address, kept as
//! text). Uploads are checked twice: each file when it arrives
//! ([`check_upload`]: its type by content, its size) and the set when the
//! form is filled ([`fill`]: how many files each field has).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::address::{Address, AddressError, CommuneCode, Units};
use crate::catalog::{FieldKind, FormField};
use crate::identity::{IdentityError, PersonalNumber};
use crate::message::{Message, MessageArg};
use crate::phone::{self, PhoneError, Recorded};
use crate::text;

/// The longest e-mail address (RFC 5321's path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// A checked value of one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldValue {
    /// Text, a choice, an identity number, a phone number in today's
    /// national form, an e-mail address in lower case.
    Text(String),
    Number(i64),
    Date(NaiveDate),
    Address(Address),
}

/// A filled form: the checked value of every field that has one. File
/// fields are not here; their files are the dossier's attachments, each
/// naming its field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FormValues(pub BTreeMap<String, FieldValue>);

impl FormValues {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&FieldValue> {
        self.0.get(field)
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Required and left empty.
    Required,
    /// Holds a control character (text pasted from elsewhere).
    BadCharacter,
    /// Longer than the field allows.
    TooLong {
        max: u32,
    },
    NotANumber,
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// Not a date written dd/mm/yyyy.
    NotADate,
    /// Not one of the field's options.
    NotAnOption,
    Identity(IdentityError),
    Phone(PhoneError),
    /// Not an e-mail address.
    Email,
    Address(AddressError),
    /// A province was picked but not yet its commune.
    CommuneMissing,
    /// A file's content is none of the accepted types.
    FileType {
        accepted: String,
    },
    FileTooLarge {
        max_bytes: u64,
    },
    /// More than one file for a field that takes one.
    TooManyFiles,
    /// Shorter than allowed (a password).
    TooShort {
        min: u32,
    },
    /// The confirmation differs from the first entry (a new password).
    Mismatch,
    /// An end date before its start (a validity ending before the issue).
    EndsBeforeStart,
    /// Already used by another account (an e-mail, a phone number, an
    /// identity number).
    Taken,
    /// An input no field of the form has.
    UnknownField,
    /// A file sent for a field that does not take files.
    NotAFileField,
    /// Office hours not written as sessions `07:00-11:30, 13:30-17:00`, in
    /// order, each ending after it starts.
    OfficeHours,
    /// The period asked for holds more rows than one document may (a
    /// logbook): ask for a shorter one.
    TooManyRows {
        max: u32,
    },
}

/// A problem and the field it belongs to (its id; the input the message
/// is shown next to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub problem: Problem,
}

impl FieldProblem {
    fn new(field: &str, problem: Problem) -> Self {
        FieldProblem {
            field: field.to_owned(),
            problem,
        }
    }
}

impl Message for FieldProblem {
    fn message_key(&self) -> &'static str {
        match &self.problem {
            Problem::Required => "form-error-required",
            Problem::BadCharacter => "form-error-bad-character",
            Problem::TooLong { .. } => "form-error-too-long",
            Problem::NotANumber => "form-error-not-a-number",
            Problem::OutOfRange { .. } => "form-error-out-of-range",
            Problem::NotADate => "form-error-not-a-date",
            Problem::NotAnOption => "form-error-not-an-option",
            Problem::Identity(e) => e.message_key(),
            Problem::Phone(e) => e.message_key(),
            Problem::Email => "form-error-email",
            Problem::Address(e) => e.message_key(),
            Problem::CommuneMissing => "form-error-commune-missing",
            Problem::FileType { .. } => "form-error-file-type",
            Problem::FileTooLarge { .. } => "form-error-file-too-large",
            Problem::TooManyFiles => "form-error-too-many-files",
            Problem::TooShort { .. } => "form-error-too-short",
            Problem::Mismatch => "form-error-mismatch",
            Problem::EndsBeforeStart => "form-error-ends-before-start",
            Problem::Taken => "form-error-taken",
            Problem::UnknownField => "form-error-unknown-field",
            Problem::NotAFileField => "form-error-not-a-file-field",
            Problem::OfficeHours => "form-error-office-hours",
            Problem::TooManyRows { .. } => "form-error-too-many-rows",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        let mut args = vec![("field", MessageArg::text(self.field.clone()))];
        match &self.problem {
            Problem::TooLong { max } => args.push(("max", MessageArg::Count(u64::from(*max)))),
            Problem::TooShort { min } => args.push(("min", MessageArg::Count(u64::from(*min)))),
            Problem::TooManyRows { max } => args.push(("max", MessageArg::Count(u64::from(*max)))),
            Problem::OutOfRange { min, max } => {
                args.push(("min", MessageArg::text(min.to_string())));
                args.push(("max", MessageArg::text(max.to_string())));
            }
            Problem::Identity(e) => args.extend(e.message_args()),
            Problem::Phone(e) => args.extend(e.message_args()),
            Problem::Address(e) => args.extend(e.message_args()),
            Problem::FileType { accepted } => {
                args.push(("accepted", MessageArg::text(accepted.clone())));
            }
            Problem::FileTooLarge { max_bytes } => {
                args.push(("max", MessageArg::text(megabytes(*max_bytes))));
            }
            _ => {}
        }
        args
    }
}

/// A size in megabytes as people read it (`5`, `0.5`).
fn megabytes(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10) / (1024 * 1024);
    if tenths.is_multiple_of(10) {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// The inputs a form sent, by name (`full_name`, `address.commune`).
pub type RawForm = BTreeMap<String, String>;

/// The suffixes of an address field's inputs.
pub const ADDRESS_PARTS: [&str; 4] = ["province", "commune", "detail", "legacy"];

/// Checks `raw` against `fields`: every value typed, every problem listed
/// (in the order of the fields). `files` says how many files each file
/// field has so far.
pub fn fill(
    fields: &[FormField],
    raw: &RawForm,
    files: &BTreeMap<String, usize>,
    units: &Units,
) -> Result<FormValues, Vec<FieldProblem>> {
    let mut values = BTreeMap::new();
    let mut problems = Vec::new();
    for field in fields {
        match fill_one(field, raw, files, units) {
            Ok(Some(value)) => {
                values.insert(field.id.clone(), value);
            }
            Ok(None) => {}
            Err(problem) => problems.push(FieldProblem::new(&field.id, problem)),
        }
    }
    for name in raw.keys() {
        if !is_input_of(fields, name) {
            problems.push(FieldProblem::new(name, Problem::UnknownField));
        }
    }
    for (name, count) in files {
        let takes_files = fields
            .iter()
            .any(|f| f.id == *name && matches!(f.kind, FieldKind::File { .. }));
        if *count > 0 && !takes_files {
            problems.push(FieldProblem::new(name, Problem::NotAFileField));
        }
    }
    if problems.is_empty() {
        Ok(FormValues(values))
    } else {
        Err(problems)
    }
}

/// Whether `name` is an input some field of the form reads.
fn is_input_of(fields: &[FormField], name: &str) -> bool {
    fields.iter().any(|f| match f.kind {
        FieldKind::Address => name
            .strip_prefix(f.id.as_str())
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|part| ADDRESS_PARTS.contains(&part)),
        FieldKind::File { .. } => false,
        _ => f.id == name,
    })
}

/// The trimmed NFC text of an input; `None` when absent or blank.
fn input(raw: &RawForm, name: &str) -> Option<String> {
    raw.get(name)
        .map(|v| text::nfc(v.trim()).into_owned())
        .filter(|v| !v.is_empty())
}

fn fill_one(
    field: &FormField,
    raw: &RawForm,
    files: &BTreeMap<String, usize>,
    units: &Units,
) -> Result<Option<FieldValue>, Problem> {
    if let FieldKind::File { multiple, .. } = field.kind {
        let count = files.get(&field.id).copied().unwrap_or(0);
        return match count {
            0 if field.required => Err(Problem::Required),
            n if n > 1 && !multiple => Err(Problem::TooManyFiles),
            _ => Ok(None),
        };
    }
    if let FieldKind::Address = field.kind {
        return fill_address(field, raw, units);
    }
    let Some(value) = input(raw, &field.id) else {
        return if field.required {
            Err(Problem::Required)
        } else {
            Ok(None)
        };
    };
    let value = match &field.kind {
        FieldKind::Text { max } | FieldKind::LongText { max } => {
            if value
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
            {
                return Err(Problem::BadCharacter);
            }
            if value.chars().count() > *max as usize {
                return Err(Problem::TooLong { max: *max });
            }
            FieldValue::Text(value)
        }
        FieldKind::Number { min, max } => {
            let n: i64 = value
                .replace(['.', ' '], "")
                .parse()
                .map_err(|_| Problem::NotANumber)?;
            if n < *min || n > *max {
                return Err(Problem::OutOfRange {
                    min: *min,
                    max: *max,
                });
            }
            FieldValue::Number(n)
        }
        FieldKind::Date => FieldValue::Date(parse_date(&value).ok_or(Problem::NotADate)?),
        FieldKind::Choice { options } => {
            if !options.contains(&value) {
                return Err(Problem::NotAnOption);
            }
            FieldValue::Text(value)
        }
        FieldKind::IdentityNumber => FieldValue::Text(
            PersonalNumber::parse(&value)
                .map_err(Problem::Identity)?
                .as_str()
                .to_owned(),
        ),
        FieldKind::Phone => FieldValue::Text(
            phone::normalize(&value, Recorded::Unknown)
                .map_err(Problem::Phone)?
                .national()
                .to_owned(),
        ),
        FieldKind::Email => FieldValue::Text(parse_email(&value).ok_or(Problem::Email)?),
        FieldKind::Address | FieldKind::File { .. } => return Ok(None),
    };
    Ok(Some(value))
}

fn fill_address(
    field: &FormField,
    raw: &RawForm,
    units: &Units,
) -> Result<Option<FieldValue>, Problem> {
    let part = |p: &str| input(raw, &format!("{}.{p}", field.id));
    if let Some(commune) = part("commune") {
        let code: CommuneCode = commune.parse().map_err(Problem::Address)?;
        let detail = part("detail").unwrap_or_default();
        return Address::unit(units, code, &detail)
            .map(|a| Some(FieldValue::Address(a)))
            .map_err(Problem::Address);
    }
    if let Some(legacy) = part("legacy") {
        return Address::legacy(&legacy)
            .map(|a| Some(FieldValue::Address(a)))
            .map_err(Problem::Address);
    }
    if part("province").is_some() {
        return Err(Problem::CommuneMissing);
    }
    if field.required {
        Err(Problem::Required)
    } else {
        Ok(None)
    }
}

/// A date written `dd/mm/yyyy` (also `d/m/yyyy`, or `yyyy-mm-dd` as a
/// date input or an API client sends it).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(d);
    }
    let mut parts = text.split(['/', '-', '.']);
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// An e-mail address in lower case, if `text` looks like one: one `@`, a
/// local part, a domain with a dot, no spaces, at most 254 characters.
/// (Whether it exists is learnt by writing to it.)
pub fn parse_email(text: &str) -> Option<String> {
    let text = text.trim().to_lowercase();
    let (local, domain) = text.split_once('@')?;
    let ok = text.len() <= MAX_EMAIL_LEN
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(text)
}

/// Checks one uploaded file against its field: its type as read from its
/// content (`media_type`, `None` when unrecognisable) and its size.
pub fn check_upload(field: &FormField, media_type: Option<&str>, size: u64) -> Result<(), Problem> {
    let FieldKind::File {
        accept, max_bytes, ..
    } = &field.kind
    else {
        return Err(Problem::NotAFileField);
    };
    if size > *max_bytes {
        return Err(Problem::FileTooLarge {
            max_bytes: *max_bytes,
        });
    }
    match media_type {
        Some(t) if accept.iter().any(|a| a == t) => Ok(()),
        _ => Err(Problem::FileType {
            accepted: accepted_names(accept),
        }),
    }
}

/// The accepted types as people know them (`PDF, JPEG`).
pub fn accepted_names(accept: &[String]) -> String {
    accept
        .iter()
        .map(|t| match t.as_str() {
            "application/pdf" => "PDF".to_owned(),
            "image/jpeg" => "JPEG".to_owned(),
            "image/png" => "PNG".to_owned(),
            "image/tiff" => "TIFF".to_owned(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                "DOCX".to_owned()
            }
            "application/msword" => "DOC".to_owned(),
            other => other.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

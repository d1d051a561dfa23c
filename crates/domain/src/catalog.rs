//! The procedure catalog: what a citizen can apply for, and everything the
//! portal and the back office need to know about it.
//!
//! A catalog is data (a YAML or JSON file, `motcua catalog import`), checked
//! here as a whole before anything is stored: one bad entry rejects the file.
//! A procedure is versioned by the date its version takes effect; a dossier
//! keeps the version in force when it entered.
//!
//! What an entry says (ND 63/2010 and its successors require the public to
//! be told all of it before applying):
//! - who decides ([`Competent`]): one named agency (a department), or any
//!   agency of a kind (every commune decides its own residents' civil status);
//! - the field (*lĩnh vực*), the online level ([`ServiceLevel`]: *một phần* or
//!   *toàn trình*), the legal basis, the processing time (typed), the fees;
//! - the required documents ([`RequiredDocument`]: original, certified copy or
//!   copy, how many sets);
//! - the application form ([`FormField`]), including the uploads and the
//!   file types and sizes they accept;
//! - the result, and the workflow steps the back office follows (steps may
//!   run in parallel: each names the steps it waits for).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::Period;
use crate::lifecycle::{Clockwork, LifecycleError, Role};
use crate::message::{Message, MessageArg};

/// The version of the catalog file format.
pub const FORMAT_VERSION: u32 = 1;

/// A catalog file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub version: u32,
    pub procedures: Vec<Procedure>,
}

/// Who decides a procedure.
///
/// Written in a catalog file as a map with exactly one key,
/// `{ agency: so-tu-phap }` or `{ level: commune }`, the same in YAML and
/// JSON (YAML libraries otherwise want a `!tag` for an enum).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CompetentFields", into = "CompetentFields")]
pub enum Competent {
    /// One agency, by its electronic identifier (a department, the province).
    Agency(String),
    /// Every agency of a kind decides for its own area (`commune`,
    /// `province`, `department`); the applicant picks which.
    Level(String),
}

/// The file form of [`Competent`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompetentFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    level: Option<String>,
}

impl TryFrom<CompetentFields> for Competent {
    type Error = &'static str;

    fn try_from(fields: CompetentFields) -> Result<Self, Self::Error> {
        match (fields.agency, fields.level) {
            (Some(agency), None) => Ok(Competent::Agency(agency)),
            (None, Some(level)) => Ok(Competent::Level(level)),
            _ => Err("`competent` takes exactly one of `agency` or `level`"),
        }
    }
}

impl From<Competent> for CompetentFields {
    fn from(competent: Competent) -> Self {
        match competent {
            Competent::Agency(agency) => CompetentFields {
                agency: Some(agency),
                level: None,
            },
            Competent::Level(level) => CompetentFields {
                agency: None,
                level: Some(level),
            },
        }
    }
}

/// How far a procedure is offered online (ND 42/2022; the old levels 3 and
/// 4 of ND 43/2011 in brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceLevel {
    /// Information only (level 1–2): applied for on paper.
    Information,
    /// *Một phần* (level 3): applied for online; fees and result in person
    /// or by post.
    Partial,
    /// *Toàn trình* (level 4): applied for, paid and returned online or by
    /// post.
    Full,
}

impl ServiceLevel {
    pub const ALL: [ServiceLevel; 3] = [
        ServiceLevel::Information,
        ServiceLevel::Partial,
        ServiceLevel::Full,
    ];

    /// The key used in catalog files and URLs (`information`, `partial`,
    /// `full`).
    pub fn key(self) -> &'static str {
        match self {
            ServiceLevel::Information => "information",
            ServiceLevel::Partial => "partial",
            ServiceLevel::Full => "full",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        ServiceLevel::ALL.into_iter().find(|l| l.key() == key)
    }

    /// Whether the dossier can be filed online.
    pub fn online(self) -> bool {
        !matches!(self, ServiceLevel::Information)
    }

    /// The old level number (ND 43/2011), still used in statistics.
    pub fn legacy_level(self) -> u8 {
        match self {
            ServiceLevel::Information => 2,
            ServiceLevel::Partial => 3,
            ServiceLevel::Full => 4,
        }
    }
}

/// A fee or charge of a procedure (*phí, lệ phí*).
///
/// It goes to the budget account of the agency that collects it (the
/// deciding agency unless `collected_by` names another one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    pub name: String,
    /// In đồng; 0 for a procedure that is free (say why in `note`).
    pub amount_vnd: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When it falls due. Left out, the officer assesses it.
    #[serde(default, skip_serializing_if = "FeeDue::is_assessed")]
    pub due: FeeDue,
    /// Whether it is given back when the dossier is refused or withdrawn
    /// (the sector law says; most *lệ phí* are not).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub refundable: bool,
    /// The electronic identifier of the agency that collects it, when it
    /// is not the deciding agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_by: Option<String>,
}

/// When a fee falls due.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeeDue {
    /// On filing, the same for every dossier: a level-4 dossier pays it
    /// online with the application.
    Submission,
    /// When the specialist asks for the financial obligation (national
    /// code 6) and names it: fees that depend on the case (late
    /// registration, copies asked for) or are counted per item.
    #[default]
    Assessed,
}

impl FeeDue {
    pub fn is_assessed(&self) -> bool {
        *self == FeeDue::Assessed
    }
}

/// The form in which a document is handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentForm {
    /// *Bản chính*.
    Original,
    /// *Bản sao có chứng thực* (or from the master register).
    CertifiedCopy,
    /// *Bản sao* (a plain copy, shown with the original).
    Copy,
    /// *Bản chính hoặc bản sao có chứng thực*.
    OriginalOrCertifiedCopy,
}

/// A document the dossier must contain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredDocument {
    pub name: String,
    pub form: DocumentForm,
    /// Number of sets (*số bộ*).
    #[serde(default = "one")]
    pub sets: u8,
    #[serde(default = "yes")]
    pub required: bool,
    /// The upload field that carries it online, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn one() -> u8 {
    1
}

fn yes() -> bool {
    true
}

/// What a form field holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum FieldKind {
    /// Free text, up to `max` characters.
    Text {
        #[serde(default = "default_max")]
        max: u32,
    },
    /// Several lines of text.
    LongText {
        #[serde(default = "default_long_max")]
        max: u32,
    },
    /// A whole number in `[min, max]`.
    Number {
        min: i64,
        max: i64,
    },
    /// A date (dd/mm/yyyy in the interface).
    Date,
    /// One of the listed options.
    Choice {
        options: Vec<String>,
    },
    /// A personal identity number (CCCD, 12 digits).
    IdentityNumber,
    /// A Vietnamese phone number (normalised through `domain::phone`).
    Phone,
    Email,
    /// An address: a commune picked from the list of administrative units,
    /// and the street address within it.
    Address,
    /// An upload.
    File {
        /// Accepted media types (checked by the file's magic bytes).
        accept: Vec<String>,
        /// Largest size, in bytes.
        max_bytes: u64,
        /// Several files allowed.
        #[serde(default)]
        multiple: bool,
    },
}

fn default_max() -> u32 {
    200
}

fn default_long_max() -> u32 {
    4000
}

/// A field of the application form. (Its kind is flattened into it, which
/// serde cannot combine with refusing unknown keys, so a misspelt key of a
/// field is ignored rather than refused.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// A stable identifier (`[a-z0-9_]+`), the key of the submitted value.
    pub id: String,
    /// The label in Vietnamese.
    pub label: String,
    /// The label in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    #[serde(flatten)]
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// A step of the back office's workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub name: String,
    /// Who does it.
    pub role: Role,
    /// The agency that does it when it is not the deciding one (an
    /// identifier, or a kind such as `police` for a consultation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// Its share of the processing time.
    pub time: Period,
    /// The steps it waits for; steps waiting for the same ones run in
    /// parallel.
    #[serde(default)]
    pub after: Vec<String>,
}

/// How a catalog entry has been checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryStatus {
    /// Checked against the legal text or the national database.
    Verified,
    /// Not checked; taken from a secondary source.
    Unverified,
}

/// One version of a procedure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// The code in the national database of administrative procedures
    /// (`1.001193`, `2.000889`).
    pub code: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    pub competent: Competent,
    /// *Lĩnh vực*: civil status, certification, construction, …
    pub field: String,
    pub level: ServiceLevel,
    /// The laws, decrees and circulars it rests on.
    pub legal_basis: Vec<String>,
    pub processing_time: Period,
    #[serde(default)]
    pub fees: Vec<Fee>,
    pub documents: Vec<RequiredDocument>,
    pub form: Vec<FormField>,
    /// What the applicant receives.
    pub result: String,
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Whether the public postal service may carry it (QĐ 45/2016 Art. 1(2)
    /// excludes procedures that need the applicant in person).
    #[serde(default = "yes")]
    pub by_post: bool,
    /// When this version takes effect.
    pub effective_from: NaiveDate,
    pub status: EntryStatus,
    /// Where the facts come from.
    pub sources: Vec<String>,
}

/// What can be wrong in a catalog.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogProblem {
    #[error("this motcua reads catalog version {expected}, not {found}")]
    Version { found: u32, expected: u32 },
    #[error("the same code and effective date appear twice")]
    DuplicateVersion,
    #[error("code must be letters, digits, dots and dashes")]
    BadCode,
    #[error("{what} is empty")]
    Empty { what: &'static str },
    #[error("legal_basis names no law")]
    NoLegalBasis,
    #[error("sources is empty: say where the facts come from")]
    NoSources,
    #[error("competent names no agency")]
    NoCompetent,
    #[error("id must be lower-case letters, digits and _")]
    BadId,
    #[error("the same id appears twice")]
    DuplicateId,
    #[error("max must be above 0")]
    ZeroMax,
    #[error("min is above max")]
    MinAboveMax,
    #[error("a choice needs at least two options")]
    TooFewOptions,
    #[error("accept lists no media type")]
    NoMediaType,
    #[error("accept holds something that is not a media type")]
    NotMediaType,
    #[error("max_bytes must be between 1 byte and 100 MiB")]
    BadMaxBytes,
    #[error("sets must be at least 1")]
    ZeroSets,
    #[error("upload `{upload}` is not a file field")]
    UploadNotFile { upload: String },
    #[error("upload `{upload}` is not a field of the form")]
    UploadUnknown { upload: String },
    #[error("two steps share an id")]
    DuplicateStep,
    #[error("waits for unknown step `{step}`")]
    UnknownStep { step: String },
    #[error("the steps wait for each other in a circle")]
    StepCycle,
    #[error("agency `{agency}` has two steps in one parallel group")]
    AgencyTwiceInGroup { agency: String },
}

/// What is wrong with a catalog, pointing at the entry and field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {problem}")]
pub struct CatalogError {
    /// `procedures[3] (1.001193).form[2]`.
    pub location: String,
    pub problem: CatalogProblem,
}

impl Message for CatalogError {
    fn message_key(&self) -> &'static str {
        use CatalogProblem as P;
        match self.problem {
            P::Version { .. } => "catalog-error-version",
            P::DuplicateVersion => "catalog-error-duplicate-version",
            P::BadCode => "catalog-error-bad-code",
            P::Empty { .. } => "catalog-error-empty",
            P::NoLegalBasis => "catalog-error-no-legal-basis",
            P::NoSources => "catalog-error-no-sources",
            P::NoCompetent => "catalog-error-no-competent",
            P::BadId => "catalog-error-bad-id",
            P::DuplicateId => "catalog-error-duplicate-id",
            P::ZeroMax => "catalog-error-zero-max",
            P::MinAboveMax => "catalog-error-min-above-max",
            P::TooFewOptions => "catalog-error-too-few-options",
            P::NoMediaType => "catalog-error-no-media-type",
            P::NotMediaType => "catalog-error-not-media-type",
            P::BadMaxBytes => "catalog-error-bad-max-bytes",
            P::ZeroSets => "catalog-error-zero-sets",
            P::UploadNotFile { .. } => "catalog-error-upload-not-file",
            P::UploadUnknown { .. } => "catalog-error-upload-unknown",
            P::DuplicateStep => "catalog-error-duplicate-step",
            P::UnknownStep { .. } => "catalog-error-unknown-step",
            P::StepCycle => "catalog-error-step-cycle",
            P::AgencyTwiceInGroup { .. } => "catalog-error-agency-twice-in-group",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        use CatalogProblem as P;
        let mut args = vec![("location", MessageArg::text(self.location.clone()))];
        match &self.problem {
            P::Version { found, expected } => {
                args.push(("found", MessageArg::Count(u64::from(*found))));
                args.push(("expected", MessageArg::Count(u64::from(*expected))));
            }
            P::Empty { what } => args.push(("what", MessageArg::text(*what))),
            P::UploadNotFile { upload } | P::UploadUnknown { upload } => {
                args.push(("upload", MessageArg::text(upload.clone())));
            }
            P::UnknownStep { step } => args.push(("step", MessageArg::text(step.clone()))),
            P::AgencyTwiceInGroup { agency } => {
                args.push(("agency", MessageArg::text(agency.clone())));
            }
            _ => {}
        }
        args
    }
}

fn err(location: impl Into<String>, problem: CatalogProblem) -> CatalogError {
    CatalogError {
        location: location.into(),
        problem,
    }
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

impl Catalog {
    /// Checks the whole catalog; every problem found is returned, in order.
    pub fn validate(&self) -> Result<(), Vec<CatalogError>> {
        let mut errors = Vec::new();
        if self.version != FORMAT_VERSION {
            errors.push(err(
                "version",
                CatalogProblem::Version {
                    found: self.version,
                    expected: FORMAT_VERSION,
                },
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, p) in self.procedures.iter().enumerate() {
            let at = format!("procedures[{i}] ({})", p.code);
            if !seen.insert((p.code.clone(), p.effective_from)) {
                errors.push(err(&at, CatalogProblem::DuplicateVersion));
            }
            errors.extend(p.problems(&at));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl Procedure {
    /// The steps other agencies do, in groups that run at the same time:
    /// steps waiting for the same steps form one group (an electronic
    /// inter-agency group, each step with its own time). In catalog order.
    pub fn agency_groups(&self) -> Vec<Vec<&Step>> {
        let mut groups: Vec<(BTreeSet<&str>, Vec<&Step>)> = Vec::new();
        for step in self.steps.iter().filter(|s| s.agency.is_some()) {
            let after: BTreeSet<&str> = step.after.iter().map(String::as_str).collect();
            match groups.iter_mut().find(|(a, _)| *a == after) {
                Some((_, steps)) => steps.push(step),
                None => groups.push((after, vec![step])),
            }
        }
        groups.into_iter().map(|(_, steps)| steps).collect()
    }

    /// When each workflow step ends if every step takes its allotted time,
    /// in catalog order: a step starts when the last of the steps it waits
    /// for ends; the first ones at `start`. The back office's plan, not the
    /// legal due date.
    pub fn schedule(
        &self,
        start: DateTime<Utc>,
        cw: Clockwork<'_>,
    ) -> Result<Vec<DateTime<Utc>>, LifecycleError> {
        let mut ends: Vec<Option<DateTime<Utc>>> = vec![None; self.steps.len()];
        // A pass plans every step whose waits are planned; an imported
        // catalog has no circle, so each pass plans at least one.
        for _ in 0..self.steps.len() {
            for (i, step) in self.steps.iter().enumerate() {
                if ends[i].is_some() {
                    continue;
                }
                let mut begins = Some(start);
                for wait in &step.after {
                    let end = self
                        .steps
                        .iter()
                        .position(|s| s.id == *wait)
                        .and_then(|j| ends[j]);
                    begins = match (begins, end) {
                        (Some(b), Some(e)) => Some(b.max(e)),
                        _ => None,
                    };
                }
                if let Some(begins) = begins {
                    ends[i] = Some(cw.due(begins, step.time)?);
                }
            }
        }
        ends.into_iter()
            .map(|end| end.ok_or(LifecycleError::NoDueDate))
            .collect()
    }

    /// Everything wrong with this entry.
    pub fn problems(&self, at: &str) -> Vec<CatalogError> {
        let mut errors = Vec::new();
        let blank = |s: &str| s.trim().is_empty();
        if !is_code(&self.code) {
            errors.push(err(at, CatalogProblem::BadCode));
        }
        if blank(&self.name) {
            errors.push(err(at, CatalogProblem::Empty { what: "name" }));
        }
        if blank(&self.field) {
            errors.push(err(at, CatalogProblem::Empty { what: "field" }));
        }
        if blank(&self.result) {
            errors.push(err(at, CatalogProblem::Empty { what: "result" }));
        }
        if self.legal_basis.iter().all(|b| blank(b)) {
            errors.push(err(at, CatalogProblem::NoLegalBasis));
        }
        if self.sources.iter().all(|s| blank(s)) {
            errors.push(err(at, CatalogProblem::NoSources));
        }
        match &self.competent {
            Competent::Agency(id) | Competent::Level(id) if blank(id) => {
                errors.push(err(at, CatalogProblem::NoCompetent));
            }
            _ => {}
        }
        if let Period::WorkingDays(0) | Period::WorkingHours(0) | Period::CalendarDays(0) =
            self.processing_time
        {
            // Same-day procedures exist (ND 61 Art. 17(4)); nothing to check.
        }
        for (j, fee) in self.fees.iter().enumerate() {
            if blank(&fee.name) {
                errors.push(err(
                    format!("{at}.fees[{j}]"),
                    CatalogProblem::Empty { what: "name" },
                ));
            }
            if fee.collected_by.as_deref().is_some_and(blank) {
                errors.push(err(
                    format!("{at}.fees[{j}]"),
                    CatalogProblem::Empty {
                        what: "collected_by",
                    },
                ));
            }
        }
        let mut ids = BTreeMap::new();
        for (j, f) in self.form.iter().enumerate() {
            let fat = format!("{at}.form[{j}] ({})", f.id);
            if !is_identifier(&f.id) {
                errors.push(err(&fat, CatalogProblem::BadId));
            }
            if ids.insert(f.id.clone(), &f.kind).is_some() {
                errors.push(err(&fat, CatalogProblem::DuplicateId));
            }
            if blank(&f.label) {
                errors.push(err(&fat, CatalogProblem::Empty { what: "label" }));
            }
            match &f.kind {
                FieldKind::Text { max } | FieldKind::LongText { max } if *max == 0 => {
                    errors.push(err(&fat, CatalogProblem::ZeroMax));
                }
                FieldKind::Number { min, max } if min > max => {
                    errors.push(err(&fat, CatalogProblem::MinAboveMax));
                }
                FieldKind::Choice { options } if options.len() < 2 => {
                    errors.push(err(&fat, CatalogProblem::TooFewOptions));
                }
                FieldKind::File {
                    accept, max_bytes, ..
                } => {
                    if accept.is_empty() {
                        errors.push(err(&fat, CatalogProblem::NoMediaType));
                    }
                    if accept.iter().any(|t| !t.contains('/')) {
                        errors.push(err(&fat, CatalogProblem::NotMediaType));
                    }
                    if *max_bytes == 0 || *max_bytes > 100 * 1024 * 1024 {
                        errors.push(err(&fat, CatalogProblem::BadMaxBytes));
                    }
                }
                _ => {}
            }
        }
        for (j, d) in self.documents.iter().enumerate() {
            let dat = format!("{at}.documents[{j}]");
            if blank(&d.name) {
                errors.push(err(&dat, CatalogProblem::Empty { what: "name" }));
            }
            if d.sets == 0 {
                errors.push(err(&dat, CatalogProblem::ZeroSets));
            }
            if let Some(upload) = &d.upload {
                match ids.get(upload) {
                    Some(FieldKind::File { .. }) => {}
                    Some(_) => errors.push(err(
                        &dat,
                        CatalogProblem::UploadNotFile {
                            upload: upload.clone(),
                        },
                    )),
                    None => errors.push(err(
                        &dat,
                        CatalogProblem::UploadUnknown {
                            upload: upload.clone(),
                        },
                    )),
                }
            }
        }
        let step_ids: BTreeSet<&str> = self.steps.iter().map(|s| s.id.as_str()).collect();
        if step_ids.len() != self.steps.len() {
            errors.push(err(at, CatalogProblem::DuplicateStep));
        }
        for (j, s) in self.steps.iter().enumerate() {
            let sat = format!("{at}.steps[{j}] ({})", s.id);
            if !is_identifier(&s.id) {
                errors.push(err(&sat, CatalogProblem::BadId));
            }
            for a in &s.after {
                if !step_ids.contains(a.as_str()) {
                    errors.push(err(&sat, CatalogProblem::UnknownStep { step: a.clone() }));
                }
            }
        }
        if has_cycle(&self.steps) {
            errors.push(err(at, CatalogProblem::StepCycle));
        }
        // A group is sent at once, and an agency answers one step of it.
        for group in self.agency_groups() {
            let mut seen = BTreeSet::new();
            for s in group {
                let agency = s.agency.as_deref().unwrap_or_default().trim();
                if !seen.insert(agency) {
                    errors.push(err(
                        format!("{at}.steps ({})", s.id),
                        CatalogProblem::AgencyTwiceInGroup {
                            agency: agency.to_owned(),
                        },
                    ));
                }
            }
        }
        errors
    }

    /// The file fields of the form.
    pub fn uploads(&self) -> impl Iterator<Item = &FormField> {
        self.form
            .iter()
            .filter(|f| matches!(f.kind, FieldKind::File { .. }))
    }
}

fn has_cycle(steps: &[Step]) -> bool {
    // Kahn's algorithm: steps whose waits are all done, until none is left.
    let mut done: BTreeSet<&str> = BTreeSet::new();
    loop {
        let ready: Vec<&str> = steps
            .iter()
            .filter(|s| !done.contains(s.id.as_str()))
            .filter(|s| s.after.iter().all(|a| done.contains(a.as_str())))
            .map(|s| s.id.as_str())
            .collect();
        if ready.is_empty() {
            return done.len() < steps.len();
        }
        done.extend(ready);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(id: &str, kind: FieldKind) -> FormField {
        FormField {
            id: id.into(),
            label: "Nhãn".into(),
            label_en: None,
            kind,
            required: true,
            help: None,
        }
    }

    fn procedure() -> Procedure {
        Procedure {
            code: "1.001193".into(),
            name: "Cấp Phiếu lý lịch tư pháp".into(),
            name_en: None,
            competent: Competent::Agency("000.00.12.H29".into()),
            field: "Lý lịch tư pháp".into(),
            level: ServiceLevel::Full,
            legal_basis: vec!["Luật Lý lịch tư pháp 2009".into()],
            processing_time: Period::WorkingDays(10),
            fees: vec![Fee {
                name: "Phí cung cấp thông tin lý lịch tư pháp".into(),
                amount_vnd: 200_000,
                note: None,
                due: FeeDue::Submission,
                refundable: false,
                collected_by: None,
            }],
            documents: vec![RequiredDocument {
                name: "Tờ khai".into(),
                form: DocumentForm::Original,
                sets: 1,
                required: true,
                upload: Some("to_khai".into()),
                note: None,
            }],
            form: vec![
                field("ho_ten", FieldKind::Text { max: 100 }),
                field(
                    "to_khai",
                    FieldKind::File {
                        accept: vec!["application/pdf".into()],
                        max_bytes: 5 << 20,
                        multiple: false,
                    },
                ),
            ],
            result: "Phiếu lý lịch tư pháp".into(),
            steps: vec![
                Step {
                    id: "tham_dinh".into(),
                    name: "Thẩm định".into(),
                    role: Role::Specialist,
                    agency: None,
                    time: Period::WorkingDays(5),
                    after: vec![],
                },
                Step {
                    id: "xac_minh".into(),
                    name: "Xác minh".into(),
                    role: Role::Specialist,
                    agency: Some("police".into()),
                    time: Period::WorkingDays(3),
                    after: vec!["tham_dinh".into()],
                },
            ],
            by_post: true,
            effective_from: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
            status: EntryStatus::Unverified,
            sources: vec!["test".into()],
        }
    }

    #[test]
    fn agency_steps_waiting_for_the_same_steps_form_one_group() {
        let mut p = procedure();
        let mut court = p.steps[1].clone();
        court.id = "toa_an".into();
        court.agency = Some("court".into());
        let mut tax = p.steps[1].clone();
        tax.id = "thue".into();
        tax.agency = Some("tax".into());
        tax.after = vec!["xac_minh".into()];
        p.steps.extend([court, tax]);
        let groups: Vec<Vec<&str>> = p
            .agency_groups()
            .iter()
            .map(|g| g.iter().map(|s| s.id.as_str()).collect())
            .collect();
        assert_eq!(groups, vec![vec!["xac_minh", "toa_an"], vec!["thue"]]);
        // Two steps of one agency in a group cannot be sent together.
        p.steps[2].agency = Some("police".into());
        let c = Catalog {
            version: 1,
            procedures: vec![p],
        };
        let text: Vec<String> = c
            .validate()
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            text.iter().any(|t| t.contains("`police` has two steps")),
            "{text:?}"
        );
    }

    #[test]
    fn a_step_is_planned_after_the_last_step_it_waits_for() {
        use crate::calendar::{OfficeHours, WorkCalendar, to_utc};
        let calendar = WorkCalendar::bundled().unwrap();
        let hours = OfficeHours::standard();
        let cw = Clockwork {
            calendar: &calendar,
            hours: &hours,
        };
        let at = |d: u32, h: u32| {
            to_utc(
                NaiveDate::from_ymd_opt(2026, 3, d)
                    .unwrap()
                    .and_hms_opt(h, 0, 0)
                    .unwrap(),
            )
        };
        let mut p = procedure();
        let mut quick = p.steps[1].clone();
        quick.id = "nhanh".into();
        quick.time = Period::WorkingDays(1);
        quick.after = vec![];
        p.steps[1].after.push("nhanh".into());
        p.steps.push(quick);
        // Monday 08:00: 5 working days end the next Monday; the 1-day step
        // runs alongside; the 3-day step waits for the later of the two.
        let plan = p.schedule(at(2, 8), cw).unwrap();
        assert_eq!(plan, vec![at(9, 17), at(12, 17), at(3, 17)]);
    }

    #[test]
    fn a_good_entry_passes() {
        let c = Catalog {
            version: 1,
            procedures: vec![procedure()],
        };
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn every_problem_is_reported_with_its_place() {
        let mut p = procedure();
        p.form.push(field("ho_ten", FieldKind::Text { max: 0 }));
        p.documents[0].upload = Some("ho_ten".into());
        p.steps[0].after = vec!["xac_minh".into()];
        p.sources.clear();
        let c = Catalog {
            version: 2,
            procedures: vec![p.clone(), p],
        };
        let errors = c.validate().unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let has = |needle: &str| text.iter().any(|t| t.contains(needle));
        assert!(has("version"), "{text:?}");
        assert!(
            has("form[2] (ho_ten): the same id appears twice"),
            "{text:?}"
        );
        assert!(has("max must be above 0"), "{text:?}");
        assert!(has("upload `ho_ten` is not a file field"), "{text:?}");
        assert!(has("in a circle"), "{text:?}");
        assert!(has("sources is empty"), "{text:?}");
        assert!(
            has("procedures[1] (1.001193): the same code and effective date appear twice"),
            "{text:?}"
        );
    }

    #[test]
    fn catalogs_read_from_json() {
        let json = serde_json::to_string(&Catalog {
            version: 1,
            procedures: vec![procedure()],
        })
        .unwrap();
        let back: Catalog = serde_json::from_str(&json).unwrap();
        assert_eq!(back.procedures[0], procedure());
        assert!(json.contains(r#""type":"file""#), "{json}");
    }
}

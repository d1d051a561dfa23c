//! Data capture (ND 118 Art. 19(2)): an official records, for a document of
//! the dossier that must be digitised, what identifies it and what it says,
//! so it can be found again and reused rather than asked for twice.

use motcua_domain::forms::{FieldProblem, Problem};
use motcua_domain::lifecycle::CapturedDocument;
use motcua_store::{CapturedRecord, DossierRecord};

use super::Official;
use crate::accounts::clean;
use crate::{AppError, Services};

/// The most earlier documents a dossier page lists.
pub const SHOWN: u32 = 20;

/// The documents digitised for this dossier's applicant, on it or on their
/// earlier dossiers, newest first: what need not be asked for again. Only
/// for officials of the unit receiving it or the agency deciding it (an
/// agency asked for one step does not see the applicant's other papers);
/// none for an applicant without an identity number.
pub async fn of_applicant(
    svc: &Services,
    official: &Official,
    dossier: &DossierRecord,
) -> Result<Vec<CapturedRecord>, AppError> {
    let ours = official
        .handling_agencies()
        .iter()
        .any(|a| *a == dossier.receiving_unit || *a == dossier.deciding_agency);
    if !ours {
        return Ok(Vec::new());
    }
    match dossier.applicant.identity_number.as_deref() {
        Some(identity) => Ok(svc.store.captured_documents_of(identity, SHOWN).await?),
        None => Ok(Vec::new()),
    }
}

/// The longest a type code or number may be.
const MAX_SHORT: usize = 100;
/// The longest a title, summary, issuer or scope may be.
const MAX_LONG: usize = 2_000;

/// The document as typed, cleaned (NFC, trimmed), with every problem named
/// at its field.
pub fn document_of(typed: CapturedDocument) -> Result<CapturedDocument, AppError> {
    let mut problems = Vec::new();
    let mut text = |field: &str, value: &str, max: usize, required: bool| {
        let value = clean(value);
        let problem = match &value {
            None if required => Some(Problem::Required),
            Some(v) if v.chars().count() > max => Some(Problem::TooLong { max: max as u32 }),
            _ => None,
        };
        if let Some(problem) = problem {
            problems.push(FieldProblem {
                field: field.into(),
                problem,
            });
        }
        value
    };
    let type_code = text("type_code", &typed.type_code, MAX_SHORT, true);
    let title = text("title", &typed.title, MAX_LONG, true);
    let summary = text("summary", &typed.summary, MAX_LONG, true);
    let optional = |v: &Option<String>| v.as_deref().unwrap_or_default().to_owned();
    let number = text("number", &optional(&typed.number), MAX_SHORT, false);
    let issuer = text("issuer", &optional(&typed.issuer), MAX_LONG, false);
    let scope = text("scope", &optional(&typed.scope), MAX_LONG, false);
    // Without a number, the issue date and issuer identify it.
    if number.is_none() {
        if typed.issued_on.is_none() {
            problems.push(FieldProblem {
                field: "issued_on".into(),
                problem: Problem::Required,
            });
        }
        if issuer.is_none() {
            problems.push(FieldProblem {
                field: "issuer".into(),
                problem: Problem::Required,
            });
        }
    }
    if let (Some(from), Some(until)) = (typed.issued_on, typed.valid_until)
        && until < from
    {
        problems.push(FieldProblem {
            field: "valid_until".into(),
            problem: Problem::EndsBeforeStart,
        });
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    Ok(CapturedDocument {
        type_code: type_code.unwrap_or_default().to_uppercase(),
        number,
        title: title.unwrap_or_default(),
        summary: summary.unwrap_or_default(),
        issued_on: typed.issued_on,
        issuer,
        valid_until: typed.valid_until,
        scope,
    })
}

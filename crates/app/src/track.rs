//! The public look-up: anyone with a dossier's code and the PIN given at
//! submission sees its status and dates — never who filed it or what it
//! holds. Wrong guesses are counted per code in the database (so every node
//! of a cluster sees the same count); after [`FAILURES_ALLOWED`] in
//! [`WINDOW`] the code answers nobody until the window has passed, whatever
//! PIN is given. The same answer is given for an unknown code and a wrong
//! PIN, so the look-up does not tell which codes exist.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use motcua_domain::lifecycle::{Outcome, Stage};
use motcua_domain::text;
use motcua_store::{Delivery, DossierRecord, Hash, TokenHash};

use crate::{AppError, Services, apply};

/// Wrong PINs allowed per code in [`WINDOW`].
pub const FAILURES_ALLOWED: u32 = 5;
pub const WINDOW: TimeDelta = TimeDelta::hours(1);

/// What the public look-up shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicStatus {
    pub code: String,
    pub procedure_code: String,
    /// The procedure's name (Vietnamese) and English name if the catalog has one.
    pub procedure_name: String,
    pub procedure_name_en: Option<String>,
    pub stage: Stage,
    pub outcome: Option<Outcome>,
    pub delivery: Delivery,
    pub entered_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// The legal due date, once the clock runs.
    pub due: Option<DateTime<Utc>>,
    /// Before acceptance: when the result can be expected (an estimate).
    pub estimate: Option<NaiveDate>,
    pub decided_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    /// The hash of the last event of the timeline: anyone holding a receipt
    /// can check later that the record has not been rewritten.
    pub head_hash: Hash,
}

/// A code as people type it: trimmed, upper case, without inner spaces.
pub fn normalise_code(code: &str) -> String {
    text::nfc(code)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}

/// Looks a dossier up by its code and PIN.
pub async fn track(
    svc: &Services,
    code: &str,
    pin: &str,
    now: DateTime<Utc>,
) -> Result<PublicStatus, AppError> {
    let code = normalise_code(code);
    let pin: String = pin.chars().filter(|c| !c.is_whitespace()).collect();
    if code.is_empty() || code.len() > 64 {
        return Err(AppError::NotFound("dossier"));
    }
    let key = format!("pin:{code}");
    if svc.store.failures_since(&key, now - WINDOW).await? >= FAILURES_ALLOWED {
        return Err(AppError::Throttled {
            until: now + WINDOW,
        });
    }
    let found = svc.store.dossier_by_code(&code).await?;
    let dossier = match found {
        Some(d) if !pin.is_empty() && d.pin_hash == TokenHash::of(&pin) => d,
        _ => {
            svc.store.record_failure(&key, now).await?;
            return Err(AppError::NotFound("dossier"));
        }
    };
    status_of(svc, &dossier).await
}

/// The public status of a dossier (also what its applicant sees first).
pub async fn status_of(svc: &Services, dossier: &DossierRecord) -> Result<PublicStatus, AppError> {
    let version =
        crate::memo::shown_procedure(svc, &dossier.procedure_code, dossier.procedure_version)
            .await?;
    let estimate = match (&version, dossier.state.clock.accepted_at) {
        (Some(v), None) if !dossier.state.stage.is_final() => {
            let calendar = apply::work_calendar(svc).await?;
            apply::estimate(svc, dossier, &v.procedure, &calendar)
                .await
                .ok()
        }
        _ => None,
    };
    let (name, name_en) = match version {
        Some(v) => (v.procedure.name, v.procedure.name_en),
        None => (dossier.procedure_code.clone(), None),
    };
    Ok(PublicStatus {
        code: dossier.code.as_str().to_owned(),
        procedure_code: dossier.procedure_code.clone(),
        procedure_name: name,
        procedure_name_en: name_en,
        stage: dossier.state.stage,
        outcome: dossier.state.outcome,
        delivery: dossier.delivery,
        entered_at: dossier.state.entered_at,
        accepted_at: dossier.state.clock.accepted_at,
        due: dossier.state.clock.due,
        estimate,
        decided_at: dossier.state.clock.decided_at,
        returned_at: dossier.state.clock.returned_at,
        head_hash: dossier.head_hash,
    })
}

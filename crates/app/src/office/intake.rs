//! Counter intake: a reception officer takes in a walk-in dossier. The
//! applicant's identity number is checked (a CCCD or personal number, or a
//! business's tax code), every scan of the papers is recorded with its
//! SHA-256 and the officer who made it (the entry event's actor), and the
//! dossier enters by the counter channel with its code and a tracking PIN
//! for the printed receipt. Accepting it — when the clock starts — is the
//! next action, on the dossier page.

use chrono::{DateTime, Utc};
use motcua_domain::calendar::Period;
use motcua_domain::catalog::Competent;
use motcua_domain::forms::{self, FieldProblem, Problem};
use motcua_domain::identity::{PersonalNumber, TaxCode};
use motcua_domain::lifecycle::{Channel, Clockwork, Dossier, Role};
use motcua_domain::phone::{self, Recorded};
use motcua_store::{
    Agency, AgencyId, Applicant, CodeSource, Delivery, DossierId, DossierRecord, NewDossier,
    TokenHash, UserKind,
};

use super::scope::Official;
use crate::accounts::clean;
use crate::apply::{self, StoredFile};
use crate::{AppError, Services, secret};

/// What the officer types in at the counter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CounterIntake {
    pub procedure_code: String,
    /// The one-stop unit taking it in (where the officer sits).
    pub receiving: Option<AgencyId>,
    /// The agency that decides, when the procedure is decided by every
    /// agency of a kind (the commune the applicant belongs to).
    pub deciding: Option<AgencyId>,
    pub name: String,
    /// CCCD / personal number, or a tax code for a business.
    pub identity: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub delivery: Option<Delivery>,
}

/// Input names, for problems at the right place.
pub mod inputs {
    pub const PROCEDURE: &str = "procedure";
    pub const RECEIVING: &str = "receiving";
    pub const DECIDING: &str = "deciding";
    pub const NAME: &str = "name";
    pub const IDENTITY: &str = "identity";
    pub const PHONE: &str = "phone";
    pub const EMAIL: &str = "email";
    pub const DELIVERY: &str = "delivery";
    pub const FILES: &str = "files";
}

/// A dossier taken in, and the PIN for its printed receipt.
#[derive(Debug, Clone)]
pub struct TakenIn {
    pub dossier: DossierRecord,
    pub pin: String,
    pub processing_time: Period,
}

/// The agencies where `official` takes dossiers in.
pub async fn counters(svc: &Services, official: &Official) -> Result<Vec<Agency>, AppError> {
    let mut out = Vec::new();
    for g in &official.grants {
        if g.role == Role::ReceptionOfficer
            && let Some(a) = svc.store.agency(g.agency).await?
            // A unit merged into another takes in nothing more.
            && a.merged_into.is_none()
            && !out.iter().any(|o: &Agency| o.id == a.id)
        {
            out.push(a);
        }
    }
    Ok(out)
}

/// Takes in a walk-in dossier with its scans.
pub async fn take_in(
    svc: &Services,
    official: &Official,
    intake: &CounterIntake,
    scans: Vec<StoredFile>,
    now: DateTime<Utc>,
) -> Result<TakenIn, AppError> {
    let mut problems = Vec::new();
    let mut at = |field: &str, problem: Problem| {
        problems.push(FieldProblem {
            field: field.into(),
            problem,
        })
    };
    let counters = counters(svc, official).await?;
    let receiving = match intake.receiving {
        Some(id) => counters.iter().find(|a| a.id == id).cloned(),
        None if counters.len() == 1 => counters.first().cloned(),
        None => None,
    };
    if receiving.is_none() {
        at(inputs::RECEIVING, Problem::NotAnOption);
    }
    let version = svc
        .store
        .procedure_in_force(intake.procedure_code.trim(), apply::today(now))
        .await?;
    if version.is_none() {
        at(
            inputs::PROCEDURE,
            if intake.procedure_code.trim().is_empty() {
                Problem::Required
            } else {
                Problem::NotAnOption
            },
        );
    }
    let name = clean(&intake.name);
    match &name {
        None => at(inputs::NAME, Problem::Required),
        Some(n) if n.chars().count() > 200 => at(inputs::NAME, Problem::TooLong { max: 200 }),
        Some(_) => {}
    }
    let identity = match clean(&intake.identity) {
        None => {
            at(inputs::IDENTITY, Problem::Required);
            None
        }
        Some(id) => match PersonalNumber::parse(&id) {
            Ok(n) => Some(n.as_str().to_owned()),
            Err(personal) => match TaxCode::parse(&id) {
                Ok(c) => Some(c.as_str().to_owned()),
                Err(_) => {
                    at(inputs::IDENTITY, Problem::Identity(personal));
                    None
                }
            },
        },
    };
    let phone = match clean(&intake.phone) {
        None => None,
        Some(p) => phone::normalize(&p, Recorded::Unknown)
            .map(|n| n.national().to_owned())
            .map_err(|e| at(inputs::PHONE, Problem::Phone(e)))
            .ok(),
    };
    let email = match clean(&intake.email) {
        None => None,
        Some(e) => {
            let parsed = forms::parse_email(&e);
            if parsed.is_none() {
                at(inputs::EMAIL, Problem::Email);
            }
            parsed
        }
    };
    let delivery = intake.delivery;
    if delivery.is_none() {
        at(inputs::DELIVERY, Problem::Required);
    }
    if scans.is_empty() {
        at(inputs::FILES, Problem::Required);
    }
    // Who decides: the named agency, or the one of the kind picked (the
    // counter's own agency when it is of that kind).
    let deciding = match (&version, &receiving) {
        (Some(v), Some(r)) => match &v.procedure.competent {
            Competent::Agency(identifier) => apply::agency_now(svc, identifier).await?,
            Competent::Level(kind) => {
                let candidates = apply::agencies_of_kind(svc, kind).await?;
                let wanted = intake.deciding.unwrap_or(r.id);
                candidates.into_iter().find(|a| a.id == wanted)
            }
        },
        _ => None,
    };
    if version.is_some() && receiving.is_some() && deciding.is_none() {
        at(inputs::DECIDING, Problem::NotAnOption);
    }
    let (
        Some(version),
        Some(receiving),
        Some(deciding),
        Some(name),
        Some(identity),
        Some(delivery),
    ) = (version, receiving, deciding, name, identity, delivery)
    else {
        return Err(AppError::Invalid(problems));
    };
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let procedure = &version.procedure;
    let calendar = apply::work_calendar(svc).await?;
    let (state, entry) = Dossier::enter(
        Channel::Counter,
        procedure.processing_time,
        Role::ReceptionOfficer,
        now,
        Clockwork {
            calendar: &calendar,
            hours: &receiving.office_hours,
        },
    )?;
    // A citizen or business with an account under this number finds the
    // dossier among their own on the portal.
    let account = match svc.store.user_by_login(&identity).await {
        Ok(Some(u)) if matches!(u.kind, UserKind::Citizen | UserKind::Business) => Some(u.id),
        Ok(_) | Err(motcua_store::StoreError::Conflict { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let pin = secret::pin()?;
    let new = NewDossier {
        id: DossierId::new(),
        code: CodeSource::Allocate {
            agency: apply::code_agency(&state, &receiving, &deciding, Channel::Counter),
        },
        procedure_code: procedure.code.clone(),
        procedure_version: procedure.effective_from,
        receiving_unit: receiving.id,
        deciding_agency: deciding.id,
        applicant: Applicant {
            user: account,
            name,
            identity_number: Some(identity),
            phone,
            email,
            address: clean(&intake.address),
        },
        delivery,
        pin_hash: TokenHash::of(&pin),
        form: Default::default(),
        actor: Some(official.user.id),
        entry,
        attachments: scans.into_iter().map(StoredFile::into_attachment).collect(),
        jobs: Vec::new(),
    };
    let dossier = svc.store.create_dossier(new).await?;
    Ok(TakenIn {
        dossier,
        pin,
        processing_time: procedure.processing_time,
    })
}

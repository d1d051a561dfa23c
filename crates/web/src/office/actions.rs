//! The action forms of the dossier page: which actions an official is
//! offered, what each asks for, and how a posted form becomes an action.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use motcua_app::AppError;
use motcua_app::office::Official;
use motcua_app::office::act::end_of_office_day;
use motcua_app::office::scope::Seat;
use motcua_domain::calendar::{OfficeHours, Period};
use motcua_domain::catalog::{FieldKind, FormField, Procedure};
use motcua_domain::forms::{self, Problem};
use motcua_domain::lifecycle::{
    Action, ActionKind, AgencyStep, AssessedFee, CapturedDocument, Handover, Recipient,
};
use motcua_i18n::Lang;
use motcua_store::DossierRecord;

use crate::portal::form::Errors;

/// The largest file an official attaches (a scan, a signed result).
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// The order actions are offered in: the usual next step first, the ones
/// that end a dossier last.
const OFFERED: [ActionKind; 24] = [
    ActionKind::Accept,
    ActionKind::CompleteReceptionSupplement,
    ActionKind::SubmitForApproval,
    ActionKind::Assign,
    ActionKind::Approve,
    ActionKind::ReturnResult,
    ActionKind::ReturnFromAgency,
    ActionKind::CompleteAppraisalSupplement,
    ActionKind::ConfirmPayment,
    ActionKind::CaptureData,
    ActionKind::RequestReceptionSupplement,
    ActionKind::RequestAppraisalSupplement,
    ActionKind::SendToAgency,
    ActionKind::RequestPayment,
    ActionKind::SendBack,
    ActionKind::Apologize,
    ActionKind::OpenCorrection,
    ActionKind::Refuse,
    ActionKind::RefuseAtReception,
    ActionKind::CloseForMissingSupplement,
    ActionKind::Withdraw,
    ActionKind::StopAtApplicantRequest,
    ActionKind::StopUnderSectorLaw,
    ActionKind::Amend,
];

/// What an input of an action form is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    Text,
    Lines,
    Date,
    Select(Vec<(String, String)>),
    Files,
}

/// One input of an action form.
#[derive(Debug, Clone)]
pub struct Input {
    /// The form field's name.
    pub name: &'static str,
    /// The element id (unique on the page: the action's key first).
    pub id: String,
    pub label: String,
    pub kind: InputKind,
    pub error: Option<String>,
}

/// One action the official may take now.
#[derive(Debug, Clone)]
pub struct ActionForm {
    pub key: &'static str,
    pub label: String,
    pub inputs: Vec<Input>,
    /// Shown open (it was just posted and has problems).
    pub open: bool,
    /// It ends or turns back the dossier: a warning button.
    pub warning: bool,
}

/// The inputs each action asks for.
fn inputs_of(kind: ActionKind) -> &'static [&'static str] {
    match kind {
        ActionKind::RequestReceptionSupplement | ActionKind::RequestAppraisalSupplement => {
            &["items", "reason"]
        }
        ActionKind::RefuseAtReception
        | ActionKind::SendBack
        | ActionKind::Withdraw
        | ActionKind::StopAtApplicantRequest
        | ActionKind::StopUnderSectorLaw
        | ActionKind::OpenCorrection => &["reason"],
        ActionKind::Refuse => &["reason", "files"],
        ActionKind::Amend => &["summary", "files"],
        ActionKind::Assign => &["to"],
        ActionKind::SendToAgency => &["group", "agency", "task", "days"],
        ActionKind::ReturnFromAgency => &["agency"],
        ActionKind::CaptureData => &[
            "type_code",
            "number",
            "title",
            "summary",
            "issued_on",
            "issuer",
            "valid_until",
            "scope",
            "files",
        ],
        ActionKind::Apologize => &["reason", "new_due"],
        ActionKind::RequestPayment => &["fee", "count"],
        ActionKind::ReturnResult => &["recipient_name", "recipient_identity", "files"],
        ActionKind::Accept
        | ActionKind::CompleteReceptionSupplement
        | ActionKind::CompleteAppraisalSupplement
        | ActionKind::Approve => &["files"],
        _ => &[],
    }
}

/// Whether an action's form asks for input `name` on this dossier: the
/// catalog's groups when the procedure has some, which step answered when
/// several are open.
fn asks(
    kind: ActionKind,
    name: &str,
    dossier: &DossierRecord,
    procedure: Option<&Procedure>,
    groups: usize,
) -> bool {
    match (kind, name) {
        (ActionKind::SendToAgency, "group") => groups > 0,
        (ActionKind::ReturnFromAgency, "agency") => dossier.state.open_steps.len() > 1,
        (ActionKind::RequestPayment, _) => {
            procedure.is_some_and(|p| p.fees.iter().any(|f| f.amount_vnd > 0))
        }
        _ => true,
    }
}

/// The choices of a select input.
fn options_of(
    lang: Lang,
    kind: ActionKind,
    name: &str,
    dossier: &DossierRecord,
    procedure: Option<&Procedure>,
    specialists: &[(String, String)],
) -> Option<Vec<(String, String)>> {
    match (kind, name) {
        (_, "to") => Some(specialists.to_vec()),
        (ActionKind::SendToAgency, "group") => {
            let groups = procedure.map(Procedure::agency_groups).unwrap_or_default();
            let typed = (String::new(), lang.tr("office-group-typed"));
            Some(
                std::iter::once(typed)
                    .chain(groups.iter().enumerate().map(|(i, group)| {
                        let names: Vec<String> = group
                            .iter()
                            .map(|s| format!("{} ({})", s.name, s.agency.as_deref().unwrap_or("")))
                            .collect();
                        ((i + 1).to_string(), names.join("; "))
                    }))
                    .collect(),
            )
        }
        // The fee the case owes: none (the obligation is paid elsewhere) or
        // one of the catalog's, at its amount.
        (ActionKind::RequestPayment, "fee") => Some(
            std::iter::once((String::new(), lang.tr("office-fee-none")))
                .chain(
                    procedure
                        .map(|p| p.fees.as_slice())
                        .unwrap_or_default()
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| f.amount_vnd > 0)
                        .map(|(i, f)| {
                            (
                                i.to_string(),
                                format!("{} — {}", f.name, crate::portal::words::vnd(f.amount_vnd)),
                            )
                        }),
                )
                .collect(),
        ),
        (ActionKind::ReturnFromAgency, "agency") => Some(
            dossier
                .state
                .open_steps
                .iter()
                .map(|s| (s.agency.clone(), format!("{} — {}", s.agency, s.task)))
                .collect(),
        ),
        _ => None,
    }
}

/// An input's label: the action's own wording where it has one (the
/// summary of a digitised document is not that of an amendment).
fn label_of(lang: Lang, action: &str, name: &str) -> String {
    let own = format!("office-field-{action}-{name}");
    if lang.has(&own) {
        lang.tr(&own)
    } else {
        lang.tr(&format!("office-field-{name}"))
    }
}

/// The actions `official` may take on the dossier now, in the order they
/// are offered.
pub fn offered_kinds<'a>(
    official: &'a Official,
    dossier: &'a DossierRecord,
    seat: &'a Seat,
) -> impl Iterator<Item = ActionKind> + 'a {
    OFFERED
        .iter()
        .copied()
        .filter(|kind| dossier.state.offers(*kind) && seat.role_for(official, *kind).is_some())
}

/// The actions `official` is offered on the dossier now, with their forms.
/// `specialists` are the ones who may be assigned (id, name); `posted`
/// is the action just refused with its problems.
pub fn offered(
    lang: Lang,
    official: &Official,
    dossier: &DossierRecord,
    procedure: Option<&Procedure>,
    seat: &Seat,
    specialists: &[(String, String)],
    posted: Option<(&str, &Errors)>,
) -> Vec<ActionForm> {
    let groups = procedure.map_or(0, |p| p.agency_groups().len());
    offered_kinds(official, dossier, seat)
        .map(|kind| {
            let key = kind.key();
            let errors = posted.filter(|(k, _)| *k == key).map(|(_, e)| e);
            let inputs = inputs_of(kind)
                .iter()
                .filter(|name| asks(kind, name, dossier, procedure, groups))
                .map(|name| {
                    let id = format!("{key}-{name}");
                    Input {
                        name,
                        error: errors.and_then(|e| e.get(&id)).map(str::to_owned),
                        id,
                        label: label_of(lang, key, name),
                        kind: match options_of(lang, kind, name, dossier, procedure, specialists) {
                            Some(options) => InputKind::Select(options),
                            None => match *name {
                                "items" | "reason" | "task" | "summary" | "scope" => {
                                    InputKind::Lines
                                }
                                "new_due" | "issued_on" | "valid_until" => InputKind::Date,
                                "files" => InputKind::Files,
                                _ => InputKind::Text,
                            },
                        },
                    }
                })
                .collect();
            ActionForm {
                key,
                label: capitalised(&lang.tr(&format!("action-{key}"))),
                inputs,
                open: errors.is_some(),
                warning: matches!(
                    kind,
                    ActionKind::Refuse
                        | ActionKind::RefuseAtReception
                        | ActionKind::CloseForMissingSupplement
                        | ActionKind::Withdraw
                        | ActionKind::StopAtApplicantRequest
                        | ActionKind::StopUnderSectorLaw
                ),
            }
        })
        .collect()
}

/// The action named `key` in the URL.
pub fn kind_of(key: &str) -> Option<ActionKind> {
    OFFERED.iter().copied().find(|k| k.key() == key)
}

/// The field the files of an action are checked against.
pub fn files_field() -> FormField {
    FormField {
        id: "files".into(),
        label: String::new(),
        label_en: None,
        kind: FieldKind::File {
            accept: vec![
                "application/pdf".into(),
                "image/jpeg".into(),
                "image/png".into(),
            ],
            max_bytes: MAX_FILE_BYTES,
            multiple: true,
        },
        required: false,
        help: None,
    }
}

/// The fee a request for the financial obligation names: a catalog fee by
/// its index, counted (1 when left blank). The amount is the app's to
/// compute.
fn fee_typed(
    fields: &BTreeMap<String, String>,
    procedure: Option<&Procedure>,
) -> Result<Vec<AssessedFee>, AppError> {
    let chosen = fields.get("fee").map(|v| v.trim()).unwrap_or_default();
    if chosen.is_empty() {
        return Ok(Vec::new());
    }
    let fee = chosen
        .parse::<usize>()
        .ok()
        .and_then(|i| procedure?.fees.get(i))
        .ok_or_else(|| AppError::field("fee", Problem::NotAnOption))?;
    let count = match fields.get("count").map(|v| v.trim()).unwrap_or_default() {
        "" => 1,
        typed => typed
            .parse::<u32>()
            .map_err(|_| AppError::field("count", Problem::NotANumber))?,
    };
    Ok(vec![AssessedFee {
        name: fee.name.clone(),
        count,
        amount_vnd: 0,
    }])
}

/// The hand-over a posted form asks for: a group of the procedure's
/// catalog, or the agency typed with its task and, if given, its own time
/// in working days.
fn handover_typed(
    fields: &BTreeMap<String, String>,
    procedure: Option<&Procedure>,
) -> Result<Handover, AppError> {
    let text = |name: &str| fields.get(name).map_or("", |v| v.trim());
    if !text("group").is_empty() {
        let groups = procedure.map(Procedure::agency_groups).unwrap_or_default();
        return text("group")
            .parse::<usize>()
            .ok()
            .and_then(|n| groups.get(n.checked_sub(1)?))
            .map(|group| Handover::of_catalog(group))
            .ok_or_else(|| AppError::field("group", Problem::NotAnOption));
    }
    let time = match text("days") {
        "" => None,
        days => match days.parse::<u32>() {
            Ok(n @ 1..=MAX_STEP_DAYS) => Some(Period::WorkingDays(n)),
            Ok(_) => {
                return Err(AppError::field(
                    "days",
                    Problem::OutOfRange {
                        min: 1,
                        max: MAX_STEP_DAYS.into(),
                    },
                ));
            }
            Err(_) => return Err(AppError::field("days", Problem::NotANumber)),
        },
    };
    Ok(Handover::new(vec![AgencyStep {
        agency: text("agency").to_owned(),
        task: fields.get("task").cloned().unwrap_or_default(),
        time,
    }]))
}

/// A date typed in `name`, if any.
fn date_in(fields: &BTreeMap<String, String>, name: &str) -> Result<Option<NaiveDate>, AppError> {
    match fields.get(name).map_or("", |v| v.trim()) {
        "" => Ok(None),
        typed => forms::parse_date(typed)
            .map(Some)
            .ok_or_else(|| AppError::field(name, Problem::NotADate)),
    }
}

/// The document a data-capture form describes (checked whole by the
/// back office).
fn document_typed(fields: &BTreeMap<String, String>) -> Result<CapturedDocument, AppError> {
    let text = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let optional = |name: &str| Some(text(name)).filter(|t| !t.trim().is_empty());
    Ok(CapturedDocument {
        type_code: text("type_code"),
        number: optional("number"),
        title: text("title"),
        summary: text("summary"),
        issued_on: date_in(fields, "issued_on")?,
        issuer: optional("issuer"),
        valid_until: date_in(fields, "valid_until")?,
        scope: optional("scope"),
    })
}

/// The longest own time a typed step may be given, in working days.
const MAX_STEP_DAYS: u32 = 60;

/// The action a posted form asks for, on a dossier of `procedure`.
pub fn action_of(
    kind: ActionKind,
    fields: &BTreeMap<String, String>,
    hours: &OfficeHours,
    procedure: Option<&Procedure>,
) -> Result<Action, AppError> {
    let text = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let lines = |name: &str| vec![text(name)];
    Ok(match kind {
        ActionKind::Accept => Action::Accept,
        ActionKind::RequestReceptionSupplement => Action::RequestReceptionSupplement {
            items: lines("items"),
            reason: text("reason"),
        },
        ActionKind::CompleteReceptionSupplement => Action::CompleteReceptionSupplement,
        ActionKind::RefuseAtReception => Action::RefuseAtReception {
            reason: text("reason"),
        },
        ActionKind::Assign => Action::Assign {
            to: Some(text("to")).filter(|t| !t.trim().is_empty()),
        },
        ActionKind::RequestAppraisalSupplement => Action::RequestAppraisalSupplement {
            items: lines("items"),
            reason: text("reason"),
        },
        ActionKind::CompleteAppraisalSupplement => Action::CompleteAppraisalSupplement,
        ActionKind::CloseForMissingSupplement => Action::CloseForMissingSupplement,
        ActionKind::SendToAgency => Action::SendToAgency(handover_typed(fields, procedure)?),
        ActionKind::CaptureData => Action::CaptureData(document_typed(fields)?),
        ActionKind::ReturnFromAgency => Action::ReturnFromAgency {
            agency: Some(text("agency")).filter(|a| !a.trim().is_empty()),
        },
        ActionKind::SubmitForApproval => Action::SubmitForApproval,
        ActionKind::SendBack => Action::SendBack {
            reason: text("reason"),
        },
        ActionKind::Approve => Action::Approve,
        ActionKind::Refuse => Action::Refuse {
            reason: text("reason"),
        },
        ActionKind::Apologize => {
            let typed = text("new_due");
            let day = match forms::parse_date(typed.trim()) {
                Some(day) => day,
                None if typed.trim().is_empty() => {
                    return Err(AppError::field("new_due", Problem::Required));
                }
                None => return Err(AppError::field("new_due", Problem::NotADate)),
            };
            Action::Apologize {
                reason: text("reason"),
                new_due: end_of_office_day(day, hours),
            }
        }
        ActionKind::RequestPayment => Action::RequestPayment {
            fees: fee_typed(fields, procedure)?,
        },
        ActionKind::ConfirmPayment => Action::ConfirmPayment,
        ActionKind::ReturnResult => Action::ReturnResult {
            recipient: Some(Recipient {
                name: text("recipient_name"),
                identity: text("recipient_identity"),
            }),
        },
        ActionKind::Withdraw => Action::Withdraw {
            reason: text("reason"),
        },
        ActionKind::StopAtApplicantRequest => Action::StopAtApplicantRequest {
            reason: text("reason"),
        },
        ActionKind::StopUnderSectorLaw => Action::StopUnderSectorLaw {
            reason: text("reason"),
        },
        ActionKind::Amend => Action::Amend {
            summary: text("summary"),
        },
        ActionKind::OpenCorrection => Action::OpenCorrection {
            reason: text("reason"),
        },
        // Not the office's: motcua enters, recomputes and transfers by
        // itself, and records what the payment provider confirmed.
        ActionKind::Enter
        | ActionKind::RecomputeDue
        | ActionKind::Transfer
        | ActionKind::FeePaid
        | ActionKind::FeeRefunded
        | ActionKind::FeePaymentStarted
        | ActionKind::FeePaymentFailed => {
            return Err(AppError::NotFound("dossier"));
        }
    })
}

/// A label with its first letter in capitals (the catalog words actions in
/// lower case, to fit inside sentences).
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

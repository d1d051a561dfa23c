//! The action forms of the dossier page: which actions an official is
//! offered, what each asks for, and how a posted form becomes an action.

use std::collections::BTreeMap;

use motcua_app::AppError;
use motcua_app::office::Official;
use motcua_app::office::act::end_of_office_day;
use motcua_app::office::scope::Seat;
use motcua_domain::calendar::OfficeHours;
use motcua_domain::catalog::{FieldKind, FormField};
use motcua_domain::forms::{self, Problem};
use motcua_domain::lifecycle::{Action, ActionKind, Recipient};
use motcua_i18n::Lang;
use motcua_store::DossierRecord;

use crate::portal::form::Errors;

/// The largest file an official attaches (a scan, a signed result).
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// The order actions are offered in: the usual next step first, the ones
/// that end a dossier last.
const OFFERED: [ActionKind; 23] = [
    ActionKind::Accept,
    ActionKind::CompleteReceptionSupplement,
    ActionKind::SubmitForApproval,
    ActionKind::Assign,
    ActionKind::Approve,
    ActionKind::ReturnResult,
    ActionKind::ReturnFromAgency,
    ActionKind::CompleteAppraisalSupplement,
    ActionKind::ConfirmPayment,
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
        ActionKind::SendToAgency => &["agency", "task"],
        ActionKind::Apologize => &["reason", "new_due"],
        ActionKind::ReturnResult => &["recipient_name", "recipient_identity", "files"],
        ActionKind::Accept
        | ActionKind::CompleteReceptionSupplement
        | ActionKind::CompleteAppraisalSupplement
        | ActionKind::Approve => &["files"],
        _ => &[],
    }
}

/// The actions `official` is offered on the dossier now, with their forms.
/// `specialists` are the ones who may be assigned (id, name); `posted`
/// is the action just refused with its problems.
pub fn offered(
    lang: Lang,
    official: &Official,
    dossier: &DossierRecord,
    seat: &Seat,
    specialists: &[(String, String)],
    posted: Option<(&str, &Errors)>,
) -> Vec<ActionForm> {
    OFFERED
        .iter()
        .copied()
        .filter(|kind| dossier.state.offers(*kind) && seat.role_for(official, *kind).is_some())
        .map(|kind| {
            let key = kind.key();
            let errors = posted.filter(|(k, _)| *k == key).map(|(_, e)| e);
            let inputs = inputs_of(kind)
                .iter()
                .map(|name| {
                    let id = format!("{key}-{name}");
                    Input {
                        name,
                        error: errors.and_then(|e| e.get(&id)).map(str::to_owned),
                        id,
                        label: lang.tr(&format!("office-field-{name}")),
                        kind: match *name {
                            "items" => InputKind::Lines,
                            "reason" | "task" | "summary" => InputKind::Lines,
                            "new_due" => InputKind::Date,
                            "files" => InputKind::Files,
                            "to" => InputKind::Select(specialists.to_vec()),
                            _ => InputKind::Text,
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

/// The action a posted form asks for.
pub fn action_of(
    kind: ActionKind,
    fields: &BTreeMap<String, String>,
    hours: &OfficeHours,
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
        ActionKind::SendToAgency => Action::SendToAgency {
            agency: text("agency"),
            task: text("task"),
        },
        ActionKind::ReturnFromAgency => Action::ReturnFromAgency,
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
        ActionKind::RequestPayment => Action::RequestPayment,
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
        // Not the office's: motcua enters and recomputes by itself.
        ActionKind::Enter | ActionKind::RecomputeDue => return Err(AppError::NotFound("dossier")),
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

//! What can be done to a dossier, and who may do it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::Period;
use crate::catalog::Step;

use super::stage::Channel;

/// One agency's step on a dossier handed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyStep {
    /// The agency's identifier, or a kind (`court`) for a body outside the
    /// system, whose answer the deciding agency records.
    pub agency: String,
    /// What it is asked to do.
    pub task: String,
    /// The step's own time, counted from the hand-over: it is due then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Period>,
}

/// An open step that a merger moved to another agency: the step, its task
/// and its due date stay; the agency that owes the answer changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepMove {
    /// The merged agency's identifier.
    pub from: String,
    /// The identifier of the agency it was merged into.
    pub into: String,
}

/// A dossier handed to other agencies: one step, or several that run at the
/// same time, each agency answering its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "HandoverWire")]
pub struct Handover {
    pub steps: Vec<AgencyStep>,
    /// Recorded before steps were tracked (one agency and its task): the
    /// dossier waits for it with no open step, as its stored state did
    /// then, so old timelines replay to the state they stored.
    #[serde(skip)]
    pub(crate) untracked: bool,
}

impl Handover {
    pub fn new(steps: Vec<AgencyStep>) -> Handover {
        Handover {
            steps,
            untracked: false,
        }
    }

    /// One agency, with no time of its own.
    pub fn single(agency: impl Into<String>, task: impl Into<String>) -> Handover {
        Handover::new(vec![AgencyStep {
            agency: agency.into(),
            task: task.into(),
            time: None,
        }])
    }

    /// A group of the catalog's agency steps ([`Procedure::agency_groups`]):
    /// each step asked by its name, with its own time.
    ///
    /// [`Procedure::agency_groups`]: crate::catalog::Procedure::agency_groups
    pub fn of_catalog(group: &[&Step]) -> Handover {
        Handover::new(
            group
                .iter()
                .filter_map(|s| {
                    Some(AgencyStep {
                        agency: s.agency.clone()?,
                        task: s.name.clone(),
                        time: Some(s.time),
                    })
                })
                .collect(),
        )
    }
}

/// What a recorded hand-over may look like: timelines written before
/// parallel groups name a single agency and task.
#[derive(Deserialize)]
#[serde(untagged)]
enum HandoverWire {
    Group { steps: Vec<AgencyStep> },
    Single { agency: String, task: String },
}

impl From<HandoverWire> for Handover {
    fn from(wire: HandoverWire) -> Handover {
        match wire {
            HandoverWire::Group { steps } => Handover::new(steps),
            HandoverWire::Single { agency, task } => Handover {
                untracked: true,
                ..Handover::single(agency, task)
            },
        }
    }
}

/// A document of the dossier digitised with its data (ND 118 Art. 19(2)):
/// enough to find it again and reuse it instead of asking for it twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapturedDocument {
    /// The document type's code.
    pub type_code: String,
    /// Its number. Without one, its issue date and issuer identify it
    /// (with the holder, who is the applicant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub title: String,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The last day it is valid; none when it does not expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
    /// Where or for what it is valid, when limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// Who acts. Officials act in one of their roles; `System` is motcua itself
/// (timers, the payment provider's confirmation, the national portal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The citizen or business the dossier belongs to.
    Applicant,
    /// *Cán bộ tiếp nhận* at the one-stop unit.
    ReceptionOfficer,
    /// *Chuyên viên* who appraises.
    Specialist,
    /// *Lãnh đạo* who signs.
    Approver,
    /// *Cán bộ trả kết quả*.
    ReturnOfficer,
    /// *Nhân viên bưu chính* of the public postal service.
    PostalWorker,
    /// Manages an agency's officials and office hours; does not process.
    AgencyAdmin,
    /// Manages agencies, catalog and calendars; does not process.
    SystemAdmin,
    /// motcua itself.
    System,
}

impl Role {
    pub fn key(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::ReceptionOfficer => "reception-officer",
            Role::Specialist => "specialist",
            Role::Approver => "approver",
            Role::ReturnOfficer => "return-officer",
            Role::PostalWorker => "postal-worker",
            Role::AgencyAdmin => "agency-admin",
            Role::SystemAdmin => "system-admin",
            Role::System => "system",
        }
    }
}

/// An action on a dossier, with what it needs to say (reasons, the items to
/// supplement, the proposed date). Recorded as is on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "action")]
pub enum Action {
    /// The dossier enters the system: the entry instant fixes its regime and
    /// the date in its code.
    Enter {
        channel: Channel,
        /// The procedure's processing time (from the catalog version in
        /// force).
        processing_time: Period,
    },
    /// Accepted as complete and valid: the legal clock starts (the receipt,
    /// form 01).
    Accept,
    /// Incomplete at reception: everything missing, asked once (form 02).
    RequestReceptionSupplement { items: Vec<String>, reason: String },
    /// The applicant brought what was missing at reception.
    CompleteReceptionSupplement,
    /// Refused at reception (form 03).
    RefuseAtReception { reason: String },
    /// Taken up for appraisal by a specialist, or handed on to another
    /// one. `to` names the specialist (a user id as text); the back office
    /// always names one, and an event recorded without it means whoever took
    /// the action.
    Assign {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
    /// Insufficient after appraisal, within the window after acceptance
    /// (form 02); pauses the clock, which restarts in full on completion.
    RequestAppraisalSupplement { items: Vec<String>, reason: String },
    /// The applicant completed the appraisal supplement.
    CompleteAppraisalSupplement,
    /// The supplement never came (ND 118 Art. 19(5)).
    CloseForMissingSupplement,
    /// Handed to other agencies' steps: a consultation, a linked procedure,
    /// or a parallel group of electronic inter-agency steps.
    SendToAgency(Handover),
    /// An agency's step is done. `agency` names which one; it may be left
    /// out while only one step is open.
    ReturnFromAgency {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agency: Option<String>,
    },
    /// A document of the dossier digitised with its data (ND 118 Art. 19(2)).
    CaptureData(CapturedDocument),
    /// The unit receiving it, the agency deciding it or an agency with an
    /// open step on it was reorganised (merged into another): the dossier
    /// moves there with its clock and history. The first two name the new
    /// agency's id; a moved step names both agencies' identifiers.
    Transfer {
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receiving_unit: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deciding_agency: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        step: Option<StepMove>,
    },
    /// Appraisal done, submitted to the approver.
    SubmitForApproval,
    /// The approver sends it back for more appraisal.
    SendBack { reason: String },
    /// The approver grants the request.
    Approve,
    /// The approver refuses after appraisal; the refusal is the result.
    Refuse { reason: String },
    /// Apology and a new date, at least one day before the due date, once
    /// (form 04).
    Apologize {
        reason: String,
        new_due: DateTime<Utc>,
    },
    /// A financial obligation is due (national code 6); pauses the clock.
    /// The specialist names the catalog's fees this case owes (none when
    /// the obligation is paid elsewhere, a tax at the tax office).
    RequestPayment {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        fees: Vec<AssessedFee>,
    },
    /// The obligation was paid; the clock resumes where it stopped.
    ConfirmPayment,
    /// A fee of the dossier was paid online and the provider confirmed it:
    /// the payment (its reference with the provider), the part of it that
    /// is this dossier's, and the fee receipt issued for it. It changes no
    /// stage; a dossier waiting for its financial obligation is confirmed by
    /// a [`Action::ConfirmPayment`] that follows.
    FeePaid {
        payment: String,
        amount_vnd: u64,
        receipt: String,
    },
    /// A fee paid for the dossier was given back (refused, withdrawn), in
    /// whole or in part, against the payment that collected it.
    FeeRefunded {
        payment: String,
        amount_vnd: u64,
        reason: String,
    },
    /// The applicant started paying the dossier's fees online: the payment
    /// (its reference) and the part of it that is this dossier's. Nothing
    /// is paid yet.
    FeePaymentStarted { payment: String, amount_vnd: u64 },
    /// A payment started online did not go through (cancelled at the
    /// gateway, refused by the bank, replaced by a new attempt), and why.
    FeePaymentFailed { payment: String, reason: String },
    /// The result is handed over (or delivered by post). At the counter the
    /// officer records who received it.
    ReturnResult {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        recipient: Option<Recipient>,
    },
    /// The applicant withdraws the dossier (national code 7).
    Withdraw { reason: String },
    /// The applicant asks to stop processing (ND 118 Art. 21; the stop
    /// notice).
    StopAtApplicantRequest { reason: String },
    /// A sector law makes the agency stop (national code 8).
    StopUnderSectorLaw { reason: String },
    /// The applicant amends an online dossier (ND 118 Art. 21).
    Amend { summary: String },
    /// A wrong result caused by staff is being corrected (ND 118 Art. 23).
    OpenCorrection { reason: String },
    /// The official calendar changed after the clock started (a schedule
    /// published or corrected): the legal due date is counted again on it.
    /// A date the approver promised in an apology stays. The deadlines
    /// still ahead move with it: the answer to an online dossier not yet
    /// received, the window to ask for an appraisal supplement.
    RecomputeDue {
        reason: String,
        /// For an online dossier still waiting for reception: when the
        /// period to answer it began (its entry, or the completion of a
        /// reception supplement), as its timeline records; the limit is
        /// counted again from there.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reception_from: Option<DateTime<Utc>>,
    },
}

/// A fee of the procedure's catalog entry that a case owes, as the
/// specialist assessed it: how many times (copies, cases) and the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessedFee {
    /// The fee's name in the catalog version of the dossier.
    pub name: String,
    pub count: u32,
    pub amount_vnd: u64,
}

/// Who received a result handed over at the counter: the applicant or the
/// person they sent, with the identity document shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    /// The number of the identity document shown (CCCD, passport).
    pub identity: String,
}

/// An action's name without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    Enter,
    Accept,
    RequestReceptionSupplement,
    CompleteReceptionSupplement,
    RefuseAtReception,
    Assign,
    RequestAppraisalSupplement,
    CompleteAppraisalSupplement,
    CloseForMissingSupplement,
    SendToAgency,
    ReturnFromAgency,
    CaptureData,
    Transfer,
    SubmitForApproval,
    SendBack,
    Approve,
    Refuse,
    Apologize,
    RequestPayment,
    ConfirmPayment,
    FeePaid,
    FeeRefunded,
    FeePaymentStarted,
    FeePaymentFailed,
    ReturnResult,
    Withdraw,
    StopAtApplicantRequest,
    StopUnderSectorLaw,
    Amend,
    OpenCorrection,
    RecomputeDue,
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Enter { .. } => ActionKind::Enter,
            Action::Accept => ActionKind::Accept,
            Action::RequestReceptionSupplement { .. } => ActionKind::RequestReceptionSupplement,
            Action::CompleteReceptionSupplement => ActionKind::CompleteReceptionSupplement,
            Action::RefuseAtReception { .. } => ActionKind::RefuseAtReception,
            Action::Assign { .. } => ActionKind::Assign,
            Action::RequestAppraisalSupplement { .. } => ActionKind::RequestAppraisalSupplement,
            Action::CompleteAppraisalSupplement => ActionKind::CompleteAppraisalSupplement,
            Action::CloseForMissingSupplement => ActionKind::CloseForMissingSupplement,
            Action::SendToAgency { .. } => ActionKind::SendToAgency,
            Action::ReturnFromAgency { .. } => ActionKind::ReturnFromAgency,
            Action::CaptureData(_) => ActionKind::CaptureData,
            Action::Transfer { .. } => ActionKind::Transfer,
            Action::SubmitForApproval => ActionKind::SubmitForApproval,
            Action::SendBack { .. } => ActionKind::SendBack,
            Action::Approve => ActionKind::Approve,
            Action::Refuse { .. } => ActionKind::Refuse,
            Action::Apologize { .. } => ActionKind::Apologize,
            Action::RequestPayment { .. } => ActionKind::RequestPayment,
            Action::ConfirmPayment => ActionKind::ConfirmPayment,
            Action::FeePaid { .. } => ActionKind::FeePaid,
            Action::FeeRefunded { .. } => ActionKind::FeeRefunded,
            Action::FeePaymentStarted { .. } => ActionKind::FeePaymentStarted,
            Action::FeePaymentFailed { .. } => ActionKind::FeePaymentFailed,
            Action::ReturnResult { .. } => ActionKind::ReturnResult,
            Action::Withdraw { .. } => ActionKind::Withdraw,
            Action::StopAtApplicantRequest { .. } => ActionKind::StopAtApplicantRequest,
            Action::StopUnderSectorLaw { .. } => ActionKind::StopUnderSectorLaw,
            Action::Amend { .. } => ActionKind::Amend,
            Action::OpenCorrection { .. } => ActionKind::OpenCorrection,
            Action::RecomputeDue { .. } => ActionKind::RecomputeDue,
        }
    }

    /// The free text the action carries (a reason, a summary, a task), if
    /// any; it must not be blank.
    pub fn text(&self) -> Option<&str> {
        match self {
            Action::RequestReceptionSupplement { reason, .. }
            | Action::RefuseAtReception { reason }
            | Action::RequestAppraisalSupplement { reason, .. }
            | Action::SendBack { reason }
            | Action::Refuse { reason }
            | Action::Apologize { reason, .. }
            | Action::Withdraw { reason }
            | Action::StopAtApplicantRequest { reason }
            | Action::StopUnderSectorLaw { reason }
            | Action::OpenCorrection { reason }
            | Action::RecomputeDue { reason, .. }
            | Action::Transfer { reason, .. }
            | Action::FeeRefunded { reason, .. }
            | Action::FeePaymentFailed { reason, .. } => Some(reason),
            Action::Amend { summary } => Some(summary),
            Action::FeePaid { receipt, .. } => Some(receipt),
            // What a single hand-over asks (a group's steps are read from
            // the action itself).
            Action::SendToAgency(handover) => handover.steps.first().map(|s| s.task.as_str()),
            _ => None,
        }
    }
}

impl CapturedDocument {
    /// Whether it says enough to be found and reused: a type, a title and
    /// a summary; a number, or the issue date and issuer; a validity that
    /// does not end before the issue.
    pub fn is_complete(&self) -> bool {
        let given = |s: &str| !s.trim().is_empty();
        let filled = |s: &Option<String>| s.as_deref().is_some_and(given);
        given(&self.type_code)
            && given(&self.title)
            && given(&self.summary)
            && (filled(&self.number) || (self.issued_on.is_some() && filled(&self.issuer)))
            && match (self.issued_on, self.valid_until) {
                (Some(from), Some(until)) => until >= from,
                _ => true,
            }
    }
}

impl ActionKind {
    /// Every action.
    pub const ALL: [ActionKind; 31] = [
        ActionKind::Enter,
        ActionKind::Accept,
        ActionKind::RequestReceptionSupplement,
        ActionKind::CompleteReceptionSupplement,
        ActionKind::RefuseAtReception,
        ActionKind::Assign,
        ActionKind::RequestAppraisalSupplement,
        ActionKind::CompleteAppraisalSupplement,
        ActionKind::CloseForMissingSupplement,
        ActionKind::SendToAgency,
        ActionKind::ReturnFromAgency,
        ActionKind::CaptureData,
        ActionKind::Transfer,
        ActionKind::SubmitForApproval,
        ActionKind::SendBack,
        ActionKind::Approve,
        ActionKind::Refuse,
        ActionKind::Apologize,
        ActionKind::RequestPayment,
        ActionKind::ConfirmPayment,
        ActionKind::FeePaid,
        ActionKind::FeeRefunded,
        ActionKind::FeePaymentStarted,
        ActionKind::FeePaymentFailed,
        ActionKind::ReturnResult,
        ActionKind::Withdraw,
        ActionKind::StopAtApplicantRequest,
        ActionKind::StopUnderSectorLaw,
        ActionKind::Amend,
        ActionKind::OpenCorrection,
        ActionKind::RecomputeDue,
    ];

    /// Who may take this action (the endpoint × role table builds on this).
    pub fn allowed_roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            ActionKind::Enter => &[Applicant, ReceptionOfficer, PostalWorker, System],
            ActionKind::Accept
            | ActionKind::RequestReceptionSupplement
            | ActionKind::RefuseAtReception => &[ReceptionOfficer],
            ActionKind::CompleteReceptionSupplement | ActionKind::CompleteAppraisalSupplement => {
                &[Applicant, ReceptionOfficer]
            }
            ActionKind::Assign => &[ReceptionOfficer, Specialist, Approver],
            // The one-stop unit digitises at reception; the specialist at
            // appraisal.
            ActionKind::CaptureData => &[Specialist, ReceptionOfficer],
            ActionKind::RequestAppraisalSupplement
            | ActionKind::SendToAgency
            | ActionKind::ReturnFromAgency
            | ActionKind::SubmitForApproval
            | ActionKind::RequestPayment => &[Specialist],
            ActionKind::CloseForMissingSupplement => &[Specialist, System],
            ActionKind::SendBack
            | ActionKind::Approve
            | ActionKind::Refuse
            | ActionKind::Apologize
            | ActionKind::OpenCorrection => &[Approver],
            ActionKind::ConfirmPayment => &[ReceptionOfficer, ReturnOfficer, System],
            ActionKind::ReturnResult => &[ReturnOfficer, PostalWorker],
            ActionKind::Withdraw | ActionKind::StopAtApplicantRequest => {
                &[Applicant, ReceptionOfficer]
            }
            ActionKind::StopUnderSectorLaw => &[Specialist, Approver],
            ActionKind::Amend => &[Applicant],
            // Only what the payment provider confirmed is recorded as paid.
            ActionKind::RecomputeDue
            | ActionKind::Transfer
            | ActionKind::FeePaid
            | ActionKind::FeeRefunded
            | ActionKind::FeePaymentStarted
            | ActionKind::FeePaymentFailed => &[System],
        }
    }

    /// Actions that exist only under ND 118/2025 (refused on an ND 61
    /// dossier).
    pub fn needs_nd118(self) -> bool {
        matches!(
            self,
            ActionKind::CloseForMissingSupplement
                | ActionKind::CaptureData
                | ActionKind::StopAtApplicantRequest
                | ActionKind::Amend
                | ActionKind::OpenCorrection
        )
    }

    pub fn key(self) -> &'static str {
        match self {
            ActionKind::Enter => "enter",
            ActionKind::Accept => "accept",
            ActionKind::RequestReceptionSupplement => "request-reception-supplement",
            ActionKind::CompleteReceptionSupplement => "complete-reception-supplement",
            ActionKind::RefuseAtReception => "refuse-at-reception",
            ActionKind::Assign => "assign",
            ActionKind::RequestAppraisalSupplement => "request-appraisal-supplement",
            ActionKind::CompleteAppraisalSupplement => "complete-appraisal-supplement",
            ActionKind::CloseForMissingSupplement => "close-for-missing-supplement",
            ActionKind::SendToAgency => "send-to-agency",
            ActionKind::ReturnFromAgency => "return-from-agency",
            ActionKind::CaptureData => "capture-data",
            ActionKind::Transfer => "transfer",
            ActionKind::SubmitForApproval => "submit-for-approval",
            ActionKind::SendBack => "send-back",
            ActionKind::Approve => "approve",
            ActionKind::Refuse => "refuse",
            ActionKind::Apologize => "apologize",
            ActionKind::RequestPayment => "request-payment",
            ActionKind::ConfirmPayment => "confirm-payment",
            ActionKind::FeePaid => "fee-paid",
            ActionKind::FeeRefunded => "fee-refunded",
            ActionKind::FeePaymentStarted => "fee-payment-started",
            ActionKind::FeePaymentFailed => "fee-payment-failed",
            ActionKind::ReturnResult => "return-result",
            ActionKind::Withdraw => "withdraw",
            ActionKind::StopAtApplicantRequest => "stop-at-applicant-request",
            ActionKind::StopUnderSectorLaw => "stop-under-sector-law",
            ActionKind::Amend => "amend",
            ActionKind::OpenCorrection => "open-correction",
            ActionKind::RecomputeDue => "recompute-due",
        }
    }
}

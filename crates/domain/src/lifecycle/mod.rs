//! The dossier state machine (DOMAIN §2, §9): stages, actions, who may take
//! each, and what each does to the legal clock.
//!
//! The rules this room enforces:
//! - **Entry** fixes the regime ([`crate::regime`]) and, for an online
//!   dossier under ND 118, the 8 working hours to accept it or send its one
//!   supplement request (Art. 17(2)); an answer after that is recorded as
//!   late. The legal clock does not run yet.
//! - **Acceptance** starts the clock: the due date is the procedure's
//!   processing time from the acceptance instant.
//! - **Two supplement requests, each at most once.** At *reception* the
//!   dossier is incomplete and no clock runs (ND 61 Art. 15, 17; ND 118
//!   Art. 16(3)). At *appraisal* the specialist may ask only within 3 working
//!   days of acceptance; the clock pauses and **restarts in full** when the
//!   dossier is complete (ND 61 Art. 19(4), ND 118 Art. 19(5)); under ND 118
//!   the dossier is **closed** when the supplement has not come 15 days after
//!   the notice.
//! - **Apology and a new date**, at least one day before the due date and at
//!   most once (ND 61 Art. 19(9), ND 118 Art. 19(6)). Lateness stays judged
//!   against the legal due date; the new date is kept beside it.
//! - **A financial obligation** (national code 6) pauses the clock; it
//!   resumes where it stopped, so the wait never counts.
//! - **Withdrawal** (code 7) by the applicant before the decision;
//!   **stopping** (code 8) at the applicant's request (ND 118 Art. 21, with
//!   the stop notice) or because a sector law makes the agency stop.
//! - **ND 118-only** rules — the 8-hour limit, closure for a missing
//!   supplement, stop or amend at the applicant's request, correction of a
//!   wrong result within 3 working days (Art. 23) — are refused on a dossier
//!   under ND 61.
//!
//! Illegal actions are errors ([`LifecycleError`]), never panics.

pub mod action;
pub mod dossier;
pub mod stage;

use chrono::{DateTime, Utc};

use crate::calendar::CalendarError;
use crate::message::{Message, MessageArg};
use crate::regime::{DecreeId, RegimeError};

pub use action::{
    Action, ActionKind, AgencyStep, AssessedFee, CapturedDocument, Handover, Recipient, Role,
    StepMove,
};
pub use dossier::{Clock, Clockwork, Deadlines, Dossier, Effect, Event, OpenStep, Pause, Used};
pub use stage::{Channel, NATIONAL_STATUS, NationalStatus, Outcome, Stage};

/// Why an action cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("`{}` cannot be taken while the dossier is {}", action.key(), stage.key())]
    NotAllowedInStage { action: ActionKind, stage: Stage },
    #[error("a {} may not take `{}`", role.key(), action.key())]
    RoleNotAllowed { action: ActionKind, role: Role },
    #[error("`{rule}` exists only under ND 118/2025; this dossier is under {decree:?}")]
    NotUnderRegime {
        rule: &'static str,
        decree: DecreeId,
    },
    #[error("`{}` may be taken only once per dossier", action.key())]
    AlreadyUsed { action: ActionKind },
    #[error("the time to ask for a supplement after acceptance ended at {deadline}")]
    SupplementWindowClosed { deadline: DateTime<Utc> },
    #[error("the supplement period runs until {deadline}; the dossier cannot be closed yet")]
    SupplementPeriodRunning { deadline: DateTime<Utc> },
    #[error("the supplement period ended at {deadline}; the dossier is to be closed")]
    SupplementPeriodOver { deadline: DateTime<Utc> },
    #[error("an apology must come at least one day before the due date {due}")]
    ApologyTooLate { due: DateTime<Utc> },
    #[error("the new date {new_due} is not after the due date {due}")]
    NewDueNotLater {
        due: DateTime<Utc>,
        new_due: DateTime<Utc>,
    },
    #[error("the dossier has no due date yet")]
    NoDueDate,
    #[error("a supplement request must list what is missing")]
    NothingToSupplement,
    #[error(
        "a digitised document needs its type, title, summary and number (or issue date and issuer), valid no earlier than issued"
    )]
    IncompleteDocument,
    #[error("a hand-over must name at least one agency and its task")]
    NoStep,
    #[error("a transfer must name the new receiving unit or deciding agency")]
    NothingMoved,
    #[error("agency `{agency}` is named twice in one hand-over")]
    StepTwice { agency: String },
    #[error("no step of agency `{agency}` is open on this dossier")]
    NoOpenStep { agency: String },
    #[error("several agencies' steps are open: say which one answered")]
    WhichStep,
    #[error("`{}` needs a reason", action.key())]
    ReasonRequired { action: ActionKind },
    #[error("`{}` applies only to dossiers filed online", action.key())]
    OnlineOnly { action: ActionKind },
    #[error("an action at {at} cannot come before the last one at {last}")]
    TimeGoesBackwards {
        last: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    #[error("the dossier has already entered the system")]
    AlreadyEntered,
    #[error("a timeline must start with the dossier's entry")]
    NotAnEntry,
    #[error("a recorded `{}` cannot lead to {}", action.key(), stage.key())]
    InconsistentEvent { action: ActionKind, stage: Stage },
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error(transparent)]
    Regime(#[from] RegimeError),
}

impl Message for LifecycleError {
    fn message_key(&self) -> &'static str {
        match self {
            LifecycleError::NotAllowedInStage { .. } => "lifecycle-error-stage",
            LifecycleError::RoleNotAllowed { .. } => "lifecycle-error-role",
            LifecycleError::NotUnderRegime { .. } => "lifecycle-error-regime",
            LifecycleError::AlreadyUsed { .. } => "lifecycle-error-already-used",
            LifecycleError::SupplementWindowClosed { .. } => "lifecycle-error-supplement-window",
            LifecycleError::SupplementPeriodRunning { .. } => "lifecycle-error-supplement-running",
            LifecycleError::SupplementPeriodOver { .. } => "lifecycle-error-supplement-over",
            LifecycleError::ApologyTooLate { .. } => "lifecycle-error-apology-late",
            LifecycleError::NewDueNotLater { .. } => "lifecycle-error-new-due",
            LifecycleError::NoDueDate => "lifecycle-error-no-due",
            LifecycleError::NothingToSupplement => "lifecycle-error-nothing-to-supplement",
            LifecycleError::IncompleteDocument => "lifecycle-error-incomplete-document",
            LifecycleError::NoStep => "lifecycle-error-no-step",
            LifecycleError::NothingMoved => "lifecycle-error-nothing-moved",
            LifecycleError::StepTwice { .. } => "lifecycle-error-step-twice",
            LifecycleError::NoOpenStep { .. } => "lifecycle-error-no-open-step",
            LifecycleError::WhichStep => "lifecycle-error-which-step",
            LifecycleError::ReasonRequired { .. } => "lifecycle-error-reason",
            LifecycleError::OnlineOnly { .. } => "lifecycle-error-online-only",
            LifecycleError::TimeGoesBackwards { .. } => "lifecycle-error-time",
            LifecycleError::AlreadyEntered => "lifecycle-error-already-entered",
            LifecycleError::NotAnEntry => "lifecycle-error-not-an-entry",
            LifecycleError::InconsistentEvent { .. } => "lifecycle-error-inconsistent-event",
            LifecycleError::Calendar(e) => e.message_key(),
            LifecycleError::Regime(e) => e.message_key(),
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        let action = |a: &ActionKind| ("action", MessageArg::key("action-", a.key()));
        let at = |name, t: &DateTime<Utc>| (name, MessageArg::Instant(*t));
        match self {
            LifecycleError::NotAllowedInStage { action: a, stage } => {
                vec![action(a), ("stage", MessageArg::key("stage-", stage.key()))]
            }
            LifecycleError::RoleNotAllowed { action: a, role } => {
                vec![action(a), ("role", MessageArg::key("role-", role.key()))]
            }
            LifecycleError::NotUnderRegime { rule, decree } => vec![
                ("rule", MessageArg::text(*rule)),
                ("decree", MessageArg::text(decree.rules().title)),
            ],
            LifecycleError::AlreadyUsed { action: a }
            | LifecycleError::ReasonRequired { action: a }
            | LifecycleError::OnlineOnly { action: a } => vec![action(a)],
            LifecycleError::SupplementWindowClosed { deadline }
            | LifecycleError::SupplementPeriodRunning { deadline }
            | LifecycleError::SupplementPeriodOver { deadline } => vec![at("deadline", deadline)],
            LifecycleError::ApologyTooLate { due } => vec![at("due", due)],
            LifecycleError::NewDueNotLater { due, new_due } => {
                vec![at("due", due), at("new_due", new_due)]
            }
            LifecycleError::TimeGoesBackwards { last, at: when } => {
                vec![at("last", last), at("at", when)]
            }
            LifecycleError::InconsistentEvent { action: a, stage } => {
                vec![action(a), ("stage", MessageArg::key("stage-", stage.key()))]
            }
            LifecycleError::StepTwice { agency } | LifecycleError::NoOpenStep { agency } => {
                vec![("agency", MessageArg::text(agency.clone()))]
            }
            LifecycleError::NoDueDate
            | LifecycleError::NoStep
            | LifecycleError::NothingMoved
            | LifecycleError::IncompleteDocument
            | LifecycleError::WhichStep
            | LifecycleError::NothingToSupplement
            | LifecycleError::AlreadyEntered
            | LifecycleError::NotAnEntry => vec![],
            LifecycleError::Calendar(e) => e.message_args(),
            LifecycleError::Regime(e) => e.message_args(),
        }
    }
}

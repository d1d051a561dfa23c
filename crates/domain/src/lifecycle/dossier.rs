//! The dossier state machine: `decide` checks an action against the law and
//! computes what it does to the clock; `apply` records the result.
//!
//! Decisions and facts are kept apart on purpose. `decide` reads the calendar
//! (due dates depend on holidays and office hours) and returns an [`Event`]
//! carrying every instant it computed; `apply` only copies those instants into
//! the state. Replaying a timeline therefore rebuilds exactly the state that
//! was shown at the time, even after an administrator corrects a holiday.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{self, OfficeHours, Period, WorkCalendar};
use crate::regime::{DecreeId, Regime, RegimeKey};

use super::LifecycleError;
use super::action::{Action, ActionKind, Handover, Role};
use super::stage::{Channel, Outcome, Stage};

/// The calendar and office hours a decision counts with.
#[derive(Debug, Clone, Copy)]
pub struct Clockwork<'a> {
    pub calendar: &'a WorkCalendar,
    pub hours: &'a OfficeHours,
}

impl Clockwork<'_> {
    /// When `period` started at `start` ends.
    pub fn due(
        &self,
        start: DateTime<Utc>,
        period: Period,
    ) -> Result<DateTime<Utc>, LifecycleError> {
        let local = self
            .calendar
            .due(calendar::to_local(start), period, self.hours)?;
        Ok(calendar::to_utc(local))
    }

    /// Office time on working days between two instants.
    pub fn working_time(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<TimeDelta, LifecycleError> {
        Ok(self.calendar.working_time_between(
            calendar::to_local(from),
            calendar::to_local(to),
            self.hours,
        )?)
    }

    /// `amount` of office time after `start`.
    pub fn add_working_time(
        &self,
        start: DateTime<Utc>,
        amount: TimeDelta,
    ) -> Result<DateTime<Utc>, LifecycleError> {
        let local =
            self.calendar
                .add_working_time(calendar::to_local(start), amount, self.hours)?;
        Ok(calendar::to_utc(local))
    }
}

/// A closed interval during which the clock stood still for the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// The legal clock of a dossier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// Accepted as complete: the clock started (the receipt's time).
    pub accepted_at: Option<DateTime<Utc>>,
    /// When the legal period now running started: the acceptance, or the
    /// completion of an appraisal supplement (the period restarts in full).
    pub started_at: Option<DateTime<Utc>>,
    /// The legal due date: from acceptance, restarted in full after an
    /// appraisal supplement, moved by payment pauses. Lateness is judged
    /// against it.
    pub original_due: Option<DateTime<Utc>>,
    /// The due date in force: the original one, or the one the apology set.
    pub due: Option<DateTime<Utc>>,
    /// When the due date was rescheduled by an apology.
    pub rescheduled_at: Option<DateTime<Utc>>,
    /// Waiting for the applicant since.
    pub paused_since: Option<DateTime<Utc>>,
    /// Earlier waits for the applicant.
    pub pauses: Vec<Pause>,
    /// Decided (granted or refused after appraisal); first decision only.
    pub decided_at: Option<DateTime<Utc>>,
    /// The last corrected result was issued (ND 118 Art. 23).
    pub corrected_at: Option<DateTime<Utc>>,
    /// The result was first returned.
    pub returned_at: Option<DateTime<Utc>>,
    /// Refused at reception, withdrawn, stopped or closed.
    pub ended_at: Option<DateTime<Utc>>,
}

/// Deadlines other than the due date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    /// ND 118 Art. 17(2): an online dossier is accepted or answered by then.
    pub reception: Option<DateTime<Utc>>,
    /// The last moment a specialist may ask for an appraisal supplement.
    pub appraisal_supplement_request: Option<DateTime<Utc>>,
    /// ND 118 Art. 19(5): the dossier is closed if the supplement has not
    /// come by then.
    pub supplement_closure: Option<DateTime<Utc>>,
    /// ND 118 Art. 23(1): the wrong result is corrected by then.
    pub correction: Option<DateTime<Utc>>,
}

/// The actions a dossier may take only once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Used {
    pub reception_supplement: bool,
    pub appraisal_supplement: bool,
    pub apology: bool,
}

/// Another agency's step the dossier waits for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenStep {
    pub agency: String,
    pub task: String,
    pub since: DateTime<Utc>,
    /// The step's own time, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Period>,
    /// When the step's own time ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<Utc>>,
}

/// What a decision computed; `apply` copies it into the state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effect {
    /// The stage after the action.
    pub to: Stage,
    /// The regime, fixed at entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regime: Option<RegimeKey>,
    /// A new legal due date (start, restart, payment pause).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_due: Option<DateTime<Utc>>,
    /// A new due date in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<Utc>>,
    /// The deadline the action opens (reception answer, supplement window,
    /// closure, correction).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    /// The action came after a deadline it answers (the 8-hour limit).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub late: bool,
    /// A hand-over's steps' own due dates, in the order of its steps; after
    /// a recomputation, the open steps' due dates in theirs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub step_dues: Vec<Option<DateTime<Utc>>>,
}

impl Effect {
    fn to(stage: Stage) -> Self {
        Effect {
            to: stage,
            regime: None,
            original_due: None,
            due: None,
            deadline: None,
            late: false,
            step_dues: Vec::new(),
        }
    }
}

/// One entry of a dossier's timeline (without the store's envelope: ids,
/// actor identity, hashes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub action: Action,
    pub role: Role,
    pub at: DateTime<Utc>,
    pub effect: Effect,
}

/// A dossier's life: its stage, clock, deadlines and what it has used up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    pub regime: RegimeKey,
    pub channel: Channel,
    /// The entry instant: fixes the regime and the date in the code.
    pub entered_at: DateTime<Utc>,
    pub processing_time: Period,
    pub stage: Stage,
    pub outcome: Option<Outcome>,
    pub clock: Clock,
    pub deadlines: Deadlines,
    pub used: Used,
    /// Where a paused dossier goes back to.
    pub resume_to: Option<Stage>,
    /// The specialist it was last assigned to (a user id as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Other agencies' steps it waits for (while at another agency).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub open_steps: Vec<OpenStep>,
    pub last_event_at: DateTime<Utc>,
    pub event_count: u32,
}

/// The stages each action may be taken from.
fn allowed_from(kind: ActionKind) -> &'static [Stage] {
    use Stage::*;
    const BEFORE_DECISION: &[Stage] = &[
        AwaitingReception,
        ReceptionSupplement,
        Accepted,
        InProcess,
        AtOtherAgency,
        AwaitingApproval,
        AppraisalSupplement,
        AwaitingPayment,
    ];
    const CLOCK_RUNNING: &[Stage] = &[Accepted, InProcess, AtOtherAgency, AwaitingApproval];
    match kind {
        ActionKind::Enter => &[],
        ActionKind::Accept | ActionKind::RequestReceptionSupplement => &[AwaitingReception],
        ActionKind::CompleteReceptionSupplement => &[ReceptionSupplement],
        ActionKind::RefuseAtReception => &[AwaitingReception, ReceptionSupplement],
        // Taking it up, or handing it on to another specialist.
        ActionKind::Assign => &[Accepted, InProcess],
        ActionKind::RequestAppraisalSupplement => &[Accepted, InProcess],
        ActionKind::CompleteAppraisalSupplement | ActionKind::CloseForMissingSupplement => {
            &[AppraisalSupplement]
        }
        ActionKind::SendToAgency | ActionKind::SubmitForApproval => &[InProcess],
        ActionKind::CaptureData => &[AwaitingReception, Accepted, InProcess, AtOtherAgency],
        // Whatever the office still has to do moves with it.
        ActionKind::Transfer => &[
            AwaitingReception,
            ReceptionSupplement,
            Accepted,
            InProcess,
            AtOtherAgency,
            AwaitingApproval,
            AppraisalSupplement,
            AwaitingPayment,
            ResultReady,
            CorrectingResult,
        ],
        ActionKind::ReturnFromAgency => &[AtOtherAgency],
        ActionKind::SendBack => &[AwaitingApproval],
        ActionKind::Approve | ActionKind::Refuse => &[AwaitingApproval, CorrectingResult],
        ActionKind::Apologize => CLOCK_RUNNING,
        ActionKind::RequestPayment => &[InProcess, AwaitingApproval],
        ActionKind::ConfirmPayment => &[AwaitingPayment],
        ActionKind::ReturnResult => &[ResultReady],
        ActionKind::Withdraw | ActionKind::StopAtApplicantRequest => BEFORE_DECISION,
        ActionKind::StopUnderSectorLaw => &[
            Accepted,
            InProcess,
            AtOtherAgency,
            AwaitingApproval,
            AppraisalSupplement,
            AwaitingPayment,
        ],
        ActionKind::Amend => &[
            AwaitingReception,
            ReceptionSupplement,
            Accepted,
            InProcess,
            AtOtherAgency,
            AwaitingApproval,
            AppraisalSupplement,
        ],
        ActionKind::OpenCorrection => &[ResultReady, Returned],
        // Money moves whatever the dossier's stage: a fee paid at submission
        // before reception, a refund after a refusal or a withdrawal.
        ActionKind::FeePaid
        | ActionKind::FeeRefunded
        | ActionKind::FeePaymentStarted
        | ActionKind::FeePaymentFailed => &Stage::ALL,
        // While the legal due date still matters: the clock runs, or waits
        // for a payment (an appraisal supplement restarts it in full); or a
        // deadline runs: an online dossier's answer, the period to complete
        // an appraisal supplement.
        ActionKind::RecomputeDue => &[
            AwaitingReception,
            AppraisalSupplement,
            Accepted,
            InProcess,
            AtOtherAgency,
            AwaitingApproval,
            AwaitingPayment,
        ],
    }
}

/// A hand-over names at least one agency, each once, each with its task.
fn check_handover(handover: &Handover) -> Result<(), LifecycleError> {
    if handover.steps.is_empty() {
        return Err(LifecycleError::NoStep);
    }
    let mut seen = Vec::with_capacity(handover.steps.len());
    for step in &handover.steps {
        let agency = step.agency.trim();
        if agency.is_empty() || step.task.trim().is_empty() {
            return Err(LifecycleError::NoStep);
        }
        if seen.contains(&agency) {
            return Err(LifecycleError::StepTwice {
                agency: agency.to_owned(),
            });
        }
        seen.push(agency);
    }
    Ok(())
}

/// Which channel each role enters dossiers by.
fn entry_channel_allowed(role: Role, channel: Channel) -> bool {
    matches!(
        (role, channel),
        (Role::Applicant, Channel::Online)
            | (Role::ReceptionOfficer, Channel::Counter)
            | (Role::ReceptionOfficer, Channel::Post)
            | (Role::PostalWorker, Channel::Post)
            | (Role::System, Channel::NationalPortal)
    )
}

impl Dossier {
    /// A dossier enters at `at` (its entry instant): the regime in force then
    /// is fixed for life. Returns the state and the entry event.
    pub fn enter(
        channel: Channel,
        processing_time: Period,
        role: Role,
        at: DateTime<Utc>,
        cw: Clockwork<'_>,
    ) -> Result<(Dossier, Event), LifecycleError> {
        if !ActionKind::Enter.allowed_roles().contains(&role)
            || !entry_channel_allowed(role, channel)
        {
            return Err(LifecycleError::RoleNotAllowed {
                action: ActionKind::Enter,
                role,
            });
        }
        let regime = Regime::at(at)?;
        let reception = match regime.decree.online_reception_limit {
            Some(limit) if channel.is_online() => Some(cw.due(at, limit)?),
            _ => None,
        };
        let event = Event {
            action: Action::Enter {
                channel,
                processing_time,
            },
            role,
            at,
            effect: Effect {
                regime: Some(regime.key()),
                deadline: reception,
                ..Effect::to(Stage::AwaitingReception)
            },
        };
        let dossier = Dossier::from_entry(&event)?;
        Ok((dossier, event))
    }

    /// The state right after an entry event.
    fn from_entry(event: &Event) -> Result<Dossier, LifecycleError> {
        let (
            Action::Enter {
                channel,
                processing_time,
            },
            Some(regime),
        ) = (&event.action, event.effect.regime)
        else {
            return Err(LifecycleError::NotAnEntry);
        };
        Ok(Dossier {
            regime,
            channel: *channel,
            entered_at: event.at,
            processing_time: *processing_time,
            stage: Stage::AwaitingReception,
            outcome: None,
            clock: Clock::default(),
            deadlines: Deadlines {
                reception: event.effect.deadline,
                ..Deadlines::default()
            },
            used: Used::default(),
            resume_to: None,
            assignee: None,
            open_steps: Vec::new(),
            last_event_at: event.at,
            event_count: 1,
        })
    }

    /// Rebuilds a dossier from its timeline. Every event is checked against
    /// the state before it — time order, role, regime, stage, once-only
    /// actions, the deadlines already recorded — and must lead to the stage
    /// its action leads to; only the instants a decision computed from the
    /// calendar are taken as recorded.
    pub fn replay(events: &[Event]) -> Result<Dossier, LifecycleError> {
        let (first, rest) = events.split_first().ok_or(LifecycleError::NotAnEntry)?;
        let mut dossier = Dossier::from_entry(first)?;
        dossier.replay_onto(rest)?;
        Ok(dossier)
    }

    /// Applies recorded events to this state with the same checks as
    /// [`Dossier::replay`]. On an error the state holds the events before
    /// the one refused.
    pub fn replay_onto(&mut self, events: &[Event]) -> Result<(), LifecycleError> {
        for event in events {
            self.check(&event.action, event.role, event.at)?;
            let dues_fit = match &event.action {
                Action::SendToAgency(h) => {
                    event.effect.step_dues.is_empty()
                        || event.effect.step_dues.len() == h.steps.len()
                }
                Action::RecomputeDue { .. } => {
                    event.effect.step_dues.is_empty()
                        || event.effect.step_dues.len() == self.open_steps.len()
                }
                _ => event.effect.step_dues.is_empty(),
            };
            if event.effect.to != self.target(&event.action) || !dues_fit {
                return Err(LifecycleError::InconsistentEvent {
                    action: event.action.kind(),
                    stage: event.effect.to,
                });
            }
            self.apply(event);
        }
        Ok(())
    }

    pub fn regime(&self) -> Regime {
        Regime::of(self.regime)
    }

    fn check_time(&self, at: DateTime<Utc>) -> Result<(), LifecycleError> {
        if at < self.last_event_at {
            return Err(LifecycleError::TimeGoesBackwards {
                last: self.last_event_at,
                at,
            });
        }
        Ok(())
    }

    fn check_stage(&self, kind: ActionKind) -> Result<(), LifecycleError> {
        if !allowed_from(kind).contains(&self.stage) {
            return Err(LifecycleError::NotAllowedInStage {
                action: kind,
                stage: self.stage,
            });
        }
        Ok(())
    }

    /// The deadline to accept or answer an online dossier (ND 118 Art.
    /// 17(2)); refused for a dossier whose decree sets none.
    pub fn reception_deadline(&self) -> Result<Option<DateTime<Utc>>, LifecycleError> {
        let decree = self.regime().decree;
        if decree.online_reception_limit.is_none() {
            return Err(LifecycleError::NotUnderRegime {
                rule: "online-reception-limit",
                decree: decree.id,
            });
        }
        Ok(self.deadlines.reception)
    }

    /// Whether `role` may take `action` at `at` in the present state: every
    /// rule that needs only the state (time order, regime, role, stage,
    /// once-only actions, reasons, the deadlines already set).
    fn check(&self, action: &Action, role: Role, at: DateTime<Utc>) -> Result<(), LifecycleError> {
        let kind = action.kind();
        if kind == ActionKind::Enter {
            return Err(LifecycleError::AlreadyEntered);
        }
        self.check_time(at)?;
        let decree = self.regime().decree;
        if kind.needs_nd118() && decree.id != DecreeId::Nd118_2025 {
            return Err(LifecycleError::NotUnderRegime {
                rule: kind.key(),
                decree: decree.id,
            });
        }
        if !kind.allowed_roles().contains(&role) {
            return Err(LifecycleError::RoleNotAllowed { action: kind, role });
        }
        self.check_stage(kind)?;
        if action.text().is_some_and(|t| t.trim().is_empty()) {
            return Err(LifecycleError::ReasonRequired { action: kind });
        }
        let listed = |items: &[String]| items.iter().any(|i| !i.trim().is_empty());
        match action {
            Action::RequestReceptionSupplement { items, .. } => {
                if self.used.reception_supplement {
                    return Err(LifecycleError::AlreadyUsed { action: kind });
                }
                if !listed(items) {
                    return Err(LifecycleError::NothingToSupplement);
                }
            }
            Action::RequestAppraisalSupplement { items, .. } => {
                if self.used.appraisal_supplement {
                    return Err(LifecycleError::AlreadyUsed { action: kind });
                }
                if !listed(items) {
                    return Err(LifecycleError::NothingToSupplement);
                }
                if let Some(window) = self.deadlines.appraisal_supplement_request
                    && at > window
                {
                    return Err(LifecycleError::SupplementWindowClosed { deadline: window });
                }
            }
            Action::CompleteAppraisalSupplement => {
                // ND 118 Art. 19(5): after the period the dossier is closed,
                // whether or not the closing has been recorded yet.
                if let Some(deadline) = self.deadlines.supplement_closure
                    && at > deadline
                {
                    return Err(LifecycleError::SupplementPeriodOver { deadline });
                }
            }
            Action::CloseForMissingSupplement => match self.deadlines.supplement_closure {
                Some(deadline) if at > deadline => {}
                Some(deadline) => return Err(LifecycleError::SupplementPeriodRunning { deadline }),
                None => {
                    return Err(LifecycleError::NotUnderRegime {
                        rule: kind.key(),
                        decree: decree.id,
                    });
                }
            },
            Action::SendToAgency(handover) => check_handover(handover)?,
            Action::CaptureData(document) if !document.is_complete() => {
                return Err(LifecycleError::IncompleteDocument);
            }
            Action::Transfer {
                receiving_unit: None,
                deciding_agency: None,
                step: None,
                ..
            } => return Err(LifecycleError::NothingMoved),
            Action::Transfer {
                step: Some(step), ..
            } => {
                if step.into.trim().is_empty() {
                    return Err(LifecycleError::NothingMoved);
                }
                if !self.open_steps.iter().any(|s| s.agency == step.from.trim()) {
                    return Err(LifecycleError::NoOpenStep {
                        agency: step.from.clone(),
                    });
                }
            }
            Action::ReturnFromAgency { agency } => {
                self.answered_step(agency.as_deref())?;
            }
            Action::Apologize { new_due, .. } => {
                if self.used.apology {
                    return Err(LifecycleError::AlreadyUsed { action: kind });
                }
                let due = self.clock.due.ok_or(LifecycleError::NoDueDate)?;
                // "Chậm nhất 01 ngày trước ngày hết hạn": on an earlier day.
                if calendar::to_local(at).date() >= calendar::to_local(due).date() {
                    return Err(LifecycleError::ApologyTooLate { due });
                }
                if *new_due <= due {
                    return Err(LifecycleError::NewDueNotLater {
                        due,
                        new_due: *new_due,
                    });
                }
            }
            Action::Amend { .. } if !self.channel.is_online() => {
                return Err(LifecycleError::OnlineOnly { action: kind });
            }
            _ => {}
        }
        Ok(())
    }

    /// The stage `action` leads to from the present state.
    fn target(&self, action: &Action) -> Stage {
        let resume = self.resume_to.unwrap_or(Stage::InProcess);
        match action {
            Action::Enter { .. } => Stage::AwaitingReception,
            Action::Accept => Stage::Accepted,
            Action::RequestReceptionSupplement { .. } => Stage::ReceptionSupplement,
            Action::CompleteReceptionSupplement => Stage::AwaitingReception,
            Action::RefuseAtReception { .. } => Stage::NotAccepted,
            Action::Assign { .. } | Action::SendBack { .. } => Stage::InProcess,
            // Back in process when the last open step answered.
            Action::ReturnFromAgency { agency } => match self.answered_step(agency.as_deref()) {
                Ok(Some(step)) if self.open_steps.iter().any(|s| s.agency != step.agency) => {
                    Stage::AtOtherAgency
                }
                _ => Stage::InProcess,
            },
            Action::RequestAppraisalSupplement { .. } => Stage::AppraisalSupplement,
            Action::CompleteAppraisalSupplement | Action::ConfirmPayment => resume,
            Action::CloseForMissingSupplement => Stage::ClosedMissingSupplement,
            Action::SendToAgency { .. } => Stage::AtOtherAgency,
            Action::SubmitForApproval => Stage::AwaitingApproval,
            Action::Approve | Action::Refuse { .. } => Stage::ResultReady,
            Action::Apologize { .. }
            | Action::Amend { .. }
            | Action::RecomputeDue { .. }
            | Action::CaptureData(_)
            | Action::FeePaid { .. }
            | Action::FeeRefunded { .. }
            | Action::FeePaymentStarted { .. }
            | Action::FeePaymentFailed { .. }
            | Action::Transfer { .. } => self.stage,
            Action::RequestPayment { .. } => Stage::AwaitingPayment,
            Action::ReturnResult { .. } => Stage::Returned,
            Action::Withdraw { .. } => Stage::Withdrawn,
            Action::StopAtApplicantRequest { .. } | Action::StopUnderSectorLaw { .. } => {
                Stage::Stopped
            }
            Action::OpenCorrection { .. } => Stage::CorrectingResult,
        }
    }

    /// The event recording money on the dossier ([`Action::FeePaid`],
    /// [`Action::FeeRefunded`], and the attempts: [`Action::FeePaymentStarted`],
    /// [`Action::FeePaymentFailed`]), taken by the system at `at`. It moves
    /// no date, so it needs no calendar: the store decides it inside the
    /// transaction that changes the payment.
    pub fn record_money(&self, action: Action, at: DateTime<Utc>) -> Result<Event, LifecycleError> {
        let kind = action.kind();
        if !matches!(
            kind,
            ActionKind::FeePaid
                | ActionKind::FeeRefunded
                | ActionKind::FeePaymentStarted
                | ActionKind::FeePaymentFailed
        ) {
            return Err(LifecycleError::NotAllowedInStage {
                action: kind,
                stage: self.stage,
            });
        }
        self.check(&action, Role::System, at)?;
        Ok(Event {
            effect: Effect::to(self.stage),
            action,
            role: Role::System,
            at,
        })
    }

    /// Checks `action` by `role` at `at` against the law and computes its
    /// effect. Nothing changes until the event is applied.
    pub fn decide(
        &self,
        action: Action,
        role: Role,
        at: DateTime<Utc>,
        cw: Clockwork<'_>,
    ) -> Result<Event, LifecycleError> {
        self.check(&action, role, at)?;
        let decree = self.regime().decree;
        let mut effect = Effect::to(self.target(&action));
        let past_reception_deadline = self.deadlines.reception.is_some_and(|d| at > d);
        match &action {
            Action::Accept => {
                let due = cw.due(at, self.processing_time)?;
                effect.original_due = Some(due);
                effect.due = Some(due);
                effect.deadline = Some(cw.due(at, decree.appraisal_supplement_window)?);
                effect.late = past_reception_deadline;
            }
            Action::RequestReceptionSupplement { .. } | Action::RefuseAtReception { .. } => {
                effect.late = past_reception_deadline;
            }
            Action::CompleteReceptionSupplement => {
                // The completed dossier is answered within the same limit
                // again, counted from its completion.
                if let Some(limit) = decree.online_reception_limit
                    && self.channel.is_online()
                {
                    effect.deadline = Some(cw.due(at, limit)?);
                }
            }
            Action::RequestAppraisalSupplement { .. } => {
                if let Some(period) = decree.supplement_closure_after {
                    effect.deadline = Some(cw.due(at, period)?);
                }
            }
            Action::CompleteAppraisalSupplement => {
                // ND 61 Art. 19(4), ND 118 Art. 19(5): the time limit restarts
                // in full when the dossier is complete.
                let due = cw.due(at, self.processing_time)?;
                effect.original_due = Some(due);
                effect.due = Some(due);
            }
            Action::Apologize { new_due, .. } => effect.due = Some(*new_due),
            Action::SendToAgency(handover) if handover.steps.iter().any(|s| s.time.is_some()) => {
                effect.step_dues = handover
                    .steps
                    .iter()
                    .map(|s| s.time.map(|t| cw.due(at, t)).transpose())
                    .collect::<Result<_, _>>()?;
            }
            Action::ConfirmPayment => {
                // The wait does not count: both due dates move by the office
                // time it took.
                let since = self.clock.paused_since.unwrap_or(at);
                let waited = cw.working_time(since, at)?;
                let shift = |d: Option<DateTime<Utc>>| match d {
                    Some(d) => cw.add_working_time(d, waited).map(Some),
                    None => Ok(None),
                };
                effect.original_due = shift(self.clock.original_due)?;
                effect.due = shift(self.clock.due)?;
            }
            Action::Approve | Action::Refuse { .. } if self.stage == Stage::CorrectingResult => {
                effect.late = self.deadlines.correction.is_some_and(|d| at > d);
            }
            Action::RecomputeDue { reception_from, .. } => {
                if self.stage == Stage::AwaitingReception {
                    effect.deadline = Some(self.recomputed_reception(*reception_from, at, cw)?);
                } else if self.stage == Stage::AppraisalSupplement {
                    // ND 118 Art. 19(5): the period to complete it, from the
                    // request (when the clock paused).
                    let (Some(since), Some(period), Some(_)) = (
                        self.clock.paused_since,
                        decree.supplement_closure_after,
                        self.deadlines.supplement_closure,
                    ) else {
                        return Err(LifecycleError::NoDueDate);
                    };
                    effect.deadline = Some(cw.due(since, period)?);
                } else {
                    let (original, due) = self.recomputed_due(cw)?;
                    effect.original_due = Some(original);
                    effect.due = Some(due);
                    // Steps other agencies owe, each from its hand-over.
                    if self.open_steps.iter().any(|s| s.time.is_some()) {
                        effect.step_dues = self
                            .open_steps
                            .iter()
                            .map(|s| s.time.map(|t| cw.due(s.since, t)).transpose())
                            .collect::<Result<_, _>>()?;
                    }
                    // The window to ask for an appraisal supplement, while
                    // it can still be used.
                    if let Some(accepted) = self.clock.accepted_at
                        && !self.used.appraisal_supplement
                        && self.deadlines.appraisal_supplement_request.is_some()
                    {
                        effect.deadline =
                            Some(cw.due(accepted, decree.appraisal_supplement_window)?);
                    }
                }
            }
            Action::OpenCorrection { .. } => {
                let limit =
                    decree
                        .result_correction_limit
                        .ok_or(LifecycleError::NotUnderRegime {
                            rule: action.kind().key(),
                            decree: decree.id,
                        })?;
                effect.deadline = Some(cw.due(at, limit)?);
            }
            _ => {}
        }
        Ok(Event {
            action,
            role,
            at,
            effect,
        })
    }

    /// Records a decided event. Infallible: everything was checked and
    /// computed by [`Dossier::decide`].
    pub fn apply(&mut self, event: &Event) {
        let at = event.at;
        let effect = &event.effect;
        let from = self.stage;
        match &event.action {
            Action::Enter { .. } => {}
            Action::Accept => {
                self.clock.accepted_at = Some(at);
                self.clock.started_at = Some(at);
                self.deadlines.appraisal_supplement_request = effect.deadline;
            }
            Action::RequestReceptionSupplement { .. } => self.used.reception_supplement = true,
            Action::CompleteReceptionSupplement => self.deadlines.reception = effect.deadline,
            Action::RequestAppraisalSupplement { .. } => {
                self.used.appraisal_supplement = true;
                self.deadlines.supplement_closure = effect.deadline;
            }
            Action::CompleteAppraisalSupplement => {
                self.deadlines.supplement_closure = None;
                self.clock.started_at = Some(at);
                // A restart supersedes an earlier apology's date.
                self.clock.rescheduled_at = None;
            }
            Action::Approve | Action::Refuse { .. } => {
                if self.clock.decided_at.is_none() {
                    self.clock.decided_at = Some(at);
                }
                if from == Stage::CorrectingResult {
                    self.clock.corrected_at = Some(at);
                }
                // The result in force: a correction may change it.
                self.outcome = Some(match event.action {
                    Action::Refuse { .. } => Outcome::Refused,
                    _ => Outcome::Granted,
                });
                self.deadlines.correction = None;
            }
            Action::Apologize { .. } => {
                self.used.apology = true;
                self.clock.rescheduled_at = Some(at);
            }
            Action::ReturnResult { .. } => {
                self.clock.returned_at.get_or_insert(at);
            }
            Action::OpenCorrection { .. } => self.deadlines.correction = effect.deadline,
            Action::Assign { to } => self.assignee.clone_from(to),
            Action::SendToAgency(handover) if handover.untracked => self.open_steps.clear(),
            Action::SendToAgency(handover) => {
                self.open_steps = handover
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| OpenStep {
                        agency: s.agency.trim().to_owned(),
                        task: s.task.clone(),
                        since: at,
                        time: s.time,
                        due: effect.step_dues.get(i).copied().flatten(),
                    })
                    .collect();
            }
            Action::Transfer {
                step: Some(step), ..
            } => {
                // Were both agencies asked, the one left owes both steps and
                // its answer closes both, as one agency's answer does.
                for open in &mut self.open_steps {
                    if open.agency == step.from.trim() {
                        step.into.trim().clone_into(&mut open.agency);
                    }
                }
            }
            Action::ReturnFromAgency { agency } => match agency.as_deref().map(str::trim) {
                Some(agency) if self.open_steps.len() > 1 => {
                    self.open_steps.retain(|s| s.agency != agency);
                }
                _ => self.open_steps.clear(),
            },
            // Recorded before deadlines moved with the due date: none.
            Action::RecomputeDue { .. } => {
                for (step, due) in self.open_steps.iter_mut().zip(&effect.step_dues) {
                    step.due = *due;
                }
                self.recompute_deadline(from, effect.deadline);
            }
            _ => {}
        }
        if let Some(due) = effect.original_due {
            self.clock.original_due = Some(due);
        }
        if let Some(due) = effect.due {
            self.clock.due = Some(due);
        }
        // Pauses: entering a paused stage opens one; leaving closes it.
        if effect.to.is_paused() && !from.is_paused() {
            self.clock.paused_since = Some(at);
            self.resume_to = Some(from);
        } else if from.is_paused() && !effect.to.is_paused() {
            if let Some(since) = self.clock.paused_since.take() {
                self.clock.pauses.push(Pause {
                    from: since,
                    to: at,
                });
            }
            self.resume_to = None;
        }
        // Money recorded on an ended dossier does not end it again.
        if effect.to.is_final() && !from.is_final() {
            self.clock.ended_at = Some(at);
        }
        self.stage = effect.to;
        self.last_event_at = at;
        self.event_count += 1;
    }

    /// Moves the deadline a recomputation recorded, by the stage it was in.
    fn recompute_deadline(&mut self, from: Stage, deadline: Option<DateTime<Utc>>) {
        match (from, deadline) {
            (_, None) => {}
            (Stage::AwaitingReception, deadline) => self.deadlines.reception = deadline,
            (Stage::AppraisalSupplement, deadline) => {
                self.deadlines.supplement_closure = deadline;
            }
            (_, deadline) => self.deadlines.appraisal_supplement_request = deadline,
        }
    }

    /// The open step an answer from `agency` closes: `None` names the only
    /// one. A dossier handed over before steps were tracked has none open
    /// (see [`Handover`]) and any answer brings it back.
    fn answered_step(&self, agency: Option<&str>) -> Result<Option<&OpenStep>, LifecycleError> {
        match (agency.map(str::trim), self.open_steps.as_slice()) {
            (_, []) => Ok(None),
            (None, [only]) => Ok(Some(only)),
            (None, _) => Err(LifecycleError::WhichStep),
            (Some(agency), steps) => steps
                .iter()
                .find(|s| s.agency == agency)
                .map(Some)
                .ok_or_else(|| LifecycleError::NoOpenStep {
                    agency: agency.to_owned(),
                }),
        }
    }

    /// The legal due date counted again on `cw`'s calendar, and the due
    /// date in force: the processing time from the start of the running
    /// period, moved by every payment wait since (as [`Action::ConfirmPayment`]
    /// moved it); an apology's date stays in force.
    pub fn recomputed_due(
        &self,
        cw: Clockwork<'_>,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>), LifecycleError> {
        let start = self.clock.started_at.ok_or(LifecycleError::NoDueDate)?;
        let mut original = cw.due(start, self.processing_time)?;
        for pause in self.clock.pauses.iter().filter(|p| p.from >= start) {
            original = cw.add_working_time(original, cw.working_time(pause.from, pause.to)?)?;
        }
        let due = match (self.clock.rescheduled_at, self.clock.due) {
            (Some(_), Some(promised)) => promised,
            _ => original,
        };
        Ok((original, due))
    }

    /// The deadline to answer an online dossier counted again on `cw`'s
    /// calendar from `from`, when its answer period began (not before its
    /// entry nor after `at`).
    pub fn recomputed_reception(
        &self,
        from: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
        cw: Clockwork<'_>,
    ) -> Result<DateTime<Utc>, LifecycleError> {
        let limit = self.regime().decree.online_reception_limit;
        match (from, limit, self.deadlines.reception) {
            (Some(from), Some(limit), Some(_)) if from >= self.entered_at && from <= at => {
                cw.due(from, limit)
            }
            _ => Err(LifecycleError::NoDueDate),
        }
    }

    /// Whether `kind` may be taken now as far as the stage, the regime and
    /// the once-only rules go: what a page offers. [`Dossier::decide`]
    /// still checks everything (role, reasons, windows, deadlines).
    pub fn offers(&self, kind: ActionKind) -> bool {
        if kind == ActionKind::Enter
            || (kind.needs_nd118() && self.regime().decree.id != DecreeId::Nd118_2025)
            || !allowed_from(kind).contains(&self.stage)
        {
            return false;
        }
        match kind {
            ActionKind::RequestReceptionSupplement => !self.used.reception_supplement,
            ActionKind::RequestAppraisalSupplement => !self.used.appraisal_supplement,
            ActionKind::Apologize => !self.used.apology,
            _ => true,
        }
    }

    /// The next deadline the office itself must meet, or `None` while it
    /// waits for the applicant or has nothing left to do: the answer to an
    /// online dossier before acceptance, the due date in force while the
    /// clock runs and until the result is returned, the correction limit while a result is corrected. The
    /// back office sorts its work by it.
    pub fn work_due(&self) -> Option<DateTime<Utc>> {
        match self.stage {
            Stage::AwaitingReception => self.deadlines.reception,
            // A result waits for the appointment on the receipt.
            Stage::Accepted
            | Stage::InProcess
            | Stage::AtOtherAgency
            | Stage::AwaitingApproval
            | Stage::ResultReady => self.clock.due,
            Stage::CorrectingResult => self.deadlines.correction,
            _ => None,
        }
    }

    /// Whether the office still has something to do with it (it is neither
    /// ended nor returned), even if it waits for the applicant now.
    pub fn in_office(&self) -> bool {
        !self.stage.is_final() && self.stage != Stage::Returned
    }

    /// Decides and applies in one step.
    pub fn handle(
        &mut self,
        action: Action,
        role: Role,
        at: DateTime<Utc>,
        cw: Clockwork<'_>,
    ) -> Result<Event, LifecycleError> {
        let event = self.decide(action, role, at, cw)?;
        self.apply(&event);
        Ok(event)
    }

    /// Office time used of the legal period now running, up to `until` (or
    /// the decision): from the acceptance or the restart after an appraisal
    /// supplement, minus every wait for the applicant.
    pub fn processing_time_spent(
        &self,
        until: DateTime<Utc>,
        cw: Clockwork<'_>,
    ) -> Result<TimeDelta, LifecycleError> {
        let Some(start) = self.clock.started_at else {
            return Ok(TimeDelta::zero());
        };
        let end = self.clock.decided_at.map_or(until, |d| d.min(until));
        let mut spent = cw.working_time(start, end)?;
        let open = self.clock.paused_since.map(|from| Pause { from, to: end });
        for pause in self.clock.pauses.iter().copied().chain(open) {
            let (a, b) = (pause.from.max(start), pause.to.min(end));
            if a < b {
                spent -= cw.working_time(a, b)?;
            }
        }
        Ok(spent)
    }
}

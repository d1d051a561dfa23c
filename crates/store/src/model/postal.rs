//! Consignments of the public post: one dossier's trip (the dossier
//! picked up from the applicant, or the result delivered), its state as
//! the domain's rules left it ([`Consignment`]) and the steps that led
//! there.
//!
//! A pickup's dossier does not exist yet: the dossier is entered when the
//! hand-over record is confirmed, under the id of the applicant's draft,
//! which the consignment carries from the start.

use chrono::{DateTime, Utc};
use motcua_domain::address::Address;
use motcua_domain::postal::consignment::{Consignment, Leg, Step};

use crate::hash::micros;
use serde::{Deserialize, Serialize};

use crate::error::{StoreError, StoreResult};
use crate::ids::{AgencyId, ConsignmentId, DossierId, UserId};

/// When the applicant wants the post to come (Vietnam's time, as chosen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupWindow {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// A consignment to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsignment {
    pub id: ConsignmentId,
    /// The dossier (or, for a pickup, the draft whose id it will take).
    pub dossier: DossierId,
    pub leg: Leg,
    /// The agency at the other end: the one-stop unit that receives the
    /// dossier, or returns the result. The post's queues are read by it.
    pub agency: AgencyId,
    /// The applicant's address: where to collect or deliver.
    pub address: Address,
    /// For a pickup: when to come.
    pub window: Option<PickupWindow>,
    /// The postage quoted for the leg.
    pub postage_vnd: u64,
    pub at: DateTime<Utc>,
}

impl NewConsignment {
    /// Its first state (a pickup booked, a result waiting for the post)
    /// and its window, times as stored (to the microsecond); a window that
    /// does not end after it starts is refused. Both engines write these.
    pub fn first_state(&self) -> StoreResult<(Consignment, Option<PickupWindow>)> {
        if let Some(w) = self.window
            && w.to <= w.from
        {
            return Err(StoreError::invalid("a pickup window ends after it starts"));
        }
        let at = micros(self.at);
        let state = match self.leg {
            Leg::Pickup => Consignment::pickup(at),
            Leg::Delivery => Consignment::delivery(at),
        };
        let window = self.window.map(|w| PickupWindow {
            from: micros(w.from),
            to: micros(w.to),
        });
        Ok((state, window))
    }
}

/// A consignment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsignmentRecord {
    pub id: ConsignmentId,
    pub dossier: DossierId,
    pub agency: AgencyId,
    pub address: Address,
    pub window: Option<PickupWindow>,
    pub postage_vnd: u64,
    /// Its state after its steps (its leg, status, waybill, attempts).
    pub state: Consignment,
    /// How many steps it has had: the version a new step is checked
    /// against.
    pub steps: u32,
    pub created_at: DateTime<Utc>,
}

/// A step to record: `next` is the state the domain's rules give after
/// `step` (the caller applies them), taken when the consignment had
/// `expected_steps` steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsignmentStep {
    pub consignment: ConsignmentId,
    pub expected_steps: u32,
    pub actor: Option<UserId>,
    pub step: Step,
    pub next: Consignment,
    pub at: DateTime<Utc>,
}

/// A recorded step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsignmentStep {
    /// 1 for the first step.
    pub seq: u32,
    pub actor: Option<UserId>,
    pub step: Step,
    pub at: DateTime<Utc>,
}

/// Whether `new` may be recorded on `current`: the consignment still has
/// the steps the caller read (else a conflict: someone recorded one
/// meanwhile), and the state after it keeps its leg. Both engines check
/// this inside the step's transaction.
pub fn step_allowed(current: &ConsignmentRecord, new: &NewConsignmentStep) -> StoreResult<()> {
    if current.steps != new.expected_steps {
        return Err(StoreError::conflict(format!(
            "consignment {} has {} steps, not {}",
            current.id, current.steps, new.expected_steps
        )));
    }
    if new.next.leg != current.state.leg {
        return Err(StoreError::invalid(
            "a step cannot change a consignment's leg",
        ));
    }
    Ok(())
}

/// A status push from a postal operator, with the step it records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCarrierPush {
    /// The operator's id of the event: one event changes the record once.
    pub event_id: String,
    /// The request's signature: seen again, the request is a replay.
    pub signature: String,
    pub step: NewConsignmentStep,
    /// When the push came (the step carries when it happened).
    pub received_at: DateTime<Utc>,
}

/// What recording a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushRecorded {
    /// The step was recorded.
    Now(ConsignmentRecord),
    /// The event had been recorded before (the operator retried it):
    /// nothing changed.
    Already,
}

impl PushSeen {
    /// What the pushes recorded under `event_id` or `signature` (each as
    /// its event id, signature and consignment) say of a new one with both.
    pub fn of(
        found: impl IntoIterator<Item = (String, String, ConsignmentId)>,
        event_id: &str,
        signature: &str,
    ) -> PushSeen {
        let mut seen = PushSeen::No;
        for (event, sig, consignment) in found {
            if sig == signature {
                return PushSeen::Signature;
            }
            if event == event_id {
                seen = PushSeen::Event(consignment);
            }
        }
        seen
    }
}

/// Whether a push was received before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushSeen {
    No,
    /// This very request (its signature): a replay.
    Signature,
    /// This event, in another request, recorded for this consignment:
    /// the operator's retry.
    Event(ConsignmentId),
}

/// The refusal of a step that would give a consignment a waybill another
/// one carries (the unique index would say the same, less clearly, and a
/// concurrent writer would meet it there).
pub fn waybill_taken(waybill: &str) -> StoreError {
    StoreError::invalid(format!("the waybill {waybill} is another consignment's"))
}

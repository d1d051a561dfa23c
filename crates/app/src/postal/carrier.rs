//! A postal operator's status push, received: its signature and time
//! checked ([`super::push`]), its body read, the consignment it names
//! found, the step it reports checked by the domain's rules and recorded
//! with the push in one transaction. Each refusal says why in a stable
//! code for the operator's system, and changes nothing.
//!
//! The body is JSON:
//! `{"event_id": "…", "waybill": "EE473124829VN", "status": "delivered",
//! "at": "2026-03-02T08:55:00+07:00", "recipient": "…", "identity": "…"}`.
//! `status` is `picked-up` (with `waybill`, and `consignment` — our id, as
//! the pull list gives it — since a pickup has no waybill before),
//! `not-delivered` (with `note`), `delivered` (with `recipient` and the
//! `identity` document checked) or `returned` (taken back to the agency).
//! Hand-overs are not pushed: both sides confirm them on the record.

use chrono::{DateTime, Utc};
use motcua_domain::message::{Message, MessageArg};
use motcua_domain::postal::consignment::{ConsignmentError, Step, waybill_number};
use motcua_store::{
    ConsignmentId, ConsignmentRecord, NewCarrierPush, NewConsignmentStep, PushRecorded, PushSeen,
    StoreError,
};
use serde::Deserialize;

use super::follow;
use super::push::{self, PushProblem};
use crate::{AppError, Services, apply};

/// What a push reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PushStatus {
    PickedUp,
    NotDelivered,
    Delivered,
    Returned,
}

/// A push's body.
/// Fields it does not know are ignored: an operator may add some.
#[derive(Debug, Clone, Deserialize)]
pub struct PushBody {
    pub event_id: String,
    #[serde(default)]
    pub consignment: Option<ConsignmentId>,
    #[serde(default)]
    pub waybill: Option<String>,
    pub status: PushStatus,
    /// When it happened (with its offset).
    pub at: DateTime<chrono::FixedOffset>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub recipient: Option<String>,
    #[serde(default)]
    pub identity: Option<String>,
    /// Postage collected at pickup (required then).
    #[serde(default)]
    pub postage_vnd: Option<u64>,
    /// Fees collected with the dossier at pickup, handed to the agency in
    /// full (required then; 0 when none).
    #[serde(default)]
    pub fees_vnd: Option<u64>,
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// The step was recorded.
    Recorded(ConsignmentRecord),
    /// The event had been recorded before: nothing changed.
    Already,
}

/// Why a push is refused.
#[derive(Debug, thiserror::Error)]
pub enum PushRefusal {
    #[error(transparent)]
    Unsigned(#[from] PushProblem),
    /// The body is not a push.
    #[error("the body is not a status push: {0}")]
    Body(String),
    /// No consignment has this id or waybill.
    #[error("no consignment has this id or waybill")]
    UnknownConsignment,
    /// The consignment's rules refuse the step.
    #[error(transparent)]
    Refused(#[from] ConsignmentError),
    /// This very request was received before.
    #[error("this request was received before (replay)")]
    Replay,
    /// The event id was recorded for another consignment.
    #[error("this event id was recorded for another consignment")]
    EventReused,
    /// The waybill is another consignment's.
    #[error("the waybill is another consignment's")]
    WaybillTaken,
    /// The consignment changed meanwhile: send the event again.
    #[error("the consignment changed meanwhile; send the event again")]
    Conflict,
    #[error(transparent)]
    App(#[from] AppError),
}

impl PushRefusal {
    /// A stable code for the operator's system.
    pub fn code(&self) -> &'static str {
        match self {
            PushRefusal::Unsigned(PushProblem::Malformed(_)) => "malformed-header",
            PushRefusal::Unsigned(PushProblem::Signature) => "bad-signature",
            PushRefusal::Unsigned(PushProblem::Stale { .. }) => "stale-timestamp",
            PushRefusal::Body(_) => "bad-body",
            PushRefusal::UnknownConsignment => "unknown-consignment",
            PushRefusal::Refused(_) => "step-refused",
            PushRefusal::Replay => "replay",
            PushRefusal::EventReused => "event-reused",
            PushRefusal::WaybillTaken => "waybill-taken",
            PushRefusal::Conflict => "conflict",
            PushRefusal::App(_) => "unavailable",
        }
    }
}

impl Message for PushRefusal {
    fn message_key(&self) -> &'static str {
        match self {
            PushRefusal::Unsigned(PushProblem::Malformed(_)) => "postal-push-malformed-header",
            PushRefusal::Unsigned(PushProblem::Signature) => "postal-push-bad-signature",
            PushRefusal::Unsigned(PushProblem::Stale { .. }) => "postal-push-stale",
            PushRefusal::Body(_) => "postal-push-bad-body",
            PushRefusal::UnknownConsignment => "postal-push-unknown-consignment",
            PushRefusal::Refused(e) => e.message_key(),
            PushRefusal::Replay => "postal-push-replay",
            PushRefusal::EventReused => "postal-push-event-reused",
            PushRefusal::WaybillTaken => "postal-push-waybill-taken",
            PushRefusal::Conflict => "postal-push-conflict",
            PushRefusal::App(_) => "postal-push-unavailable",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        match self {
            PushRefusal::Unsigned(PushProblem::Malformed(header)) => {
                vec![("header", MessageArg::text(*header))]
            }
            PushRefusal::Unsigned(PushProblem::Stale { seconds }) => {
                vec![("seconds", MessageArg::Count(seconds.unsigned_abs()))]
            }
            PushRefusal::Body(reason) => vec![("reason", MessageArg::text(reason.clone()))],
            PushRefusal::Refused(e) => e.message_args(),
            _ => Vec::new(),
        }
    }
}

impl From<StoreError> for PushRefusal {
    fn from(e: StoreError) -> Self {
        PushRefusal::App(AppError::Store(e))
    }
}

/// Receives a push signed with `secret`, at `now`.
pub async fn receive(
    svc: &Services,
    secret: &[u8],
    timestamp: &str,
    signature: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Received, PushRefusal> {
    push::verify(secret, timestamp, signature, body, now)?;
    let push: PushBody =
        serde_json::from_slice(body).map_err(|e| PushRefusal::Body(e.to_string()))?;
    let event_id = push.event_id.trim();
    if event_id.is_empty() || event_id.len() > 100 || event_id.chars().any(char::is_control) {
        return Err(PushRefusal::Body(
            "event_id must be 1 to 100 printable characters".into(),
        ));
    }
    // Dated ahead, a step would block the real ones after it and could
    // fake the two working days between delivery attempts.
    let at = push.at.with_timezone(&Utc);
    if at > now + push::MAX_SKEW {
        return Err(PushRefusal::Body("at is in the future".into()));
    }
    let signature = signature.trim().to_ascii_lowercase();
    let record = find(svc, &push).await?;
    if let Some(done) = seen(svc, event_id, &signature, &record).await? {
        return done;
    }
    let step = step_of(&push)?;
    let calendar = apply::work_calendar(svc).await?;
    let next = record.state.apply(&step, at, &calendar)?;
    let step_taken = step.clone();
    let recorded = svc
        .store
        .record_carrier_push(NewCarrierPush {
            event_id: event_id.to_owned(),
            signature: signature.clone(),
            step: NewConsignmentStep {
                consignment: record.id,
                expected_steps: record.steps,
                actor: None,
                step: step.clone(),
                next,
                at,
            },
            received_at: now,
        })
        .await;
    match recorded {
        Ok(PushRecorded::Now(record)) => {
            // The step stands whatever follows it (the applicant told, a
            // delivery returned on the dossier): the operator is answered
            // that it was recorded, and a failed follow-up is logged for
            // the office to finish by hand (a retried event is "already").
            if let Err(e) = follow::after_step(svc, &record, &step_taken, record.steps, now).await {
                tracing::warn!(consignment = %record.id, error = %e, "follow-up of a push failed");
            }
            Ok(Received::Recorded(record))
        }
        Ok(PushRecorded::Already) => Ok(Received::Already),
        // The same request or event raced itself and the other copy won
        // (then it is done), or another step came first (send again).
        Err(StoreError::Conflict { .. }) => match seen(svc, event_id, &signature, &record).await? {
            Some(_) => Ok(Received::Already),
            None => Err(PushRefusal::Conflict),
        },
        // The only step the store refuses as invalid after the domain's
        // rules passed: a waybill another consignment carries.
        Err(StoreError::Invalid { .. }) => Err(PushRefusal::WaybillTaken),
        Err(e) => Err(e.into()),
    }
}

/// What to answer if this request or this event came before: a replay, or
/// the event again (done already when it was for this consignment).
async fn seen(
    svc: &Services,
    event_id: &str,
    signature: &str,
    record: &ConsignmentRecord,
) -> Result<Option<Result<Received, PushRefusal>>, PushRefusal> {
    Ok(
        match svc.store.carrier_push_seen(event_id, signature).await? {
            PushSeen::Signature => Some(Err(PushRefusal::Replay)),
            PushSeen::Event(consignment) if consignment == record.id => Some(Ok(Received::Already)),
            PushSeen::Event(_) => Some(Err(PushRefusal::EventReused)),
            PushSeen::No => None,
        },
    )
}

/// The consignment a push names: by our id, else by its waybill.
async fn find(svc: &Services, push: &PushBody) -> Result<ConsignmentRecord, PushRefusal> {
    let found = match (&push.consignment, &push.waybill) {
        (Some(id), _) => svc.store.consignment(*id).await?,
        (None, Some(waybill)) => {
            let number = waybill_number(waybill).map_err(|_| PushRefusal::UnknownConsignment)?;
            svc.store.consignment_by_waybill(&number).await?
        }
        (None, None) => {
            return Err(PushRefusal::Body(
                "a push names its consignment or its waybill".into(),
            ));
        }
    };
    found.ok_or(PushRefusal::UnknownConsignment)
}

/// The step a push reports (the domain checks its details; the money
/// collected at pickup must be said, since it is handed to the agency).
fn step_of(push: &PushBody) -> Result<Step, PushRefusal> {
    let text = |v: &Option<String>| v.as_deref().unwrap_or_default().to_owned();
    let said = |v: Option<u64>, name: &str| {
        v.ok_or_else(|| PushRefusal::Body(format!("picked-up needs {name}")))
    };
    Ok(match push.status {
        PushStatus::PickedUp => Step::PickUp {
            waybill: text(&push.waybill),
            postage_vnd: said(push.postage_vnd, "postage_vnd")?,
            fees_vnd: said(push.fees_vnd, "fees_vnd")?,
            post_office: None,
        },
        PushStatus::NotDelivered => Step::Attempt {
            note: crate::applicant::reason_text("note", &text(&push.note)).map_err(|_| {
                PushRefusal::Body("not-delivered needs a note of at most 2000 characters".into())
            })?,
        },
        PushStatus::Delivered => {
            // Checked as at the counter: a name, and a document of the
            // right shape (a CCCD checked as one).
            let r = crate::office::act::checked_recipient(motcua_domain::lifecycle::Recipient {
                name: text(&push.recipient),
                identity: text(&push.identity),
            })
            .map_err(|_| {
                PushRefusal::Body(
                    "delivered needs the recipient's name and a valid identity document number"
                        .into(),
                )
            })?;
            Step::Deliver {
                recipient: r.name,
                identity: r.identity,
            }
        }
        PushStatus::Returned => Step::ReturnToAgency,
    })
}

/// The statuses a postal operator acts on: papers to collect and
/// collected, results waiting for the post or out for delivery.
pub const PULLED: [motcua_domain::postal::consignment::Status; 6] = {
    use motcua_domain::postal::consignment::Status::*;
    [
        Booked,
        PickedUp,
        AwaitingPost,
        WithPost,
        NotDelivered,
        BackAtAgency,
    ]
};

/// The most consignments one pull answers.
pub const PULL_LIMIT: u32 = 1000;

/// A postal operator's pull of what awaits it (the pull half of the
/// integration; [`receive`] is the push half): the request `target` (its
/// path and query) signed as a push's body is. Every agency of the
/// province is covered, oldest consignment first; `statuses` narrows it
/// (empty: all of [`PULLED`] except those back at the agency).
pub async fn waiting(
    svc: &Services,
    secret: &[u8],
    timestamp: &str,
    signature: &str,
    target: &[u8],
    statuses: &[motcua_domain::postal::consignment::Status],
    now: DateTime<Utc>,
) -> Result<Vec<super::board::Item>, PushRefusal> {
    push::verify(secret, timestamp, signature, target, now)?;
    let agencies: Vec<_> = apply::all_agencies(svc)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let statuses: Vec<_> = if statuses.is_empty() {
        PULLED[..5].to_vec()
    } else {
        statuses.to_vec()
    };
    let mut items = Vec::new();
    for c in svc
        .store
        .consignments_at(&agencies, &statuses, PULL_LIMIT)
        .await?
    {
        items.push(super::board::item_of(svc, c).await?);
    }
    Ok(items)
}

//! The post's part of a dossier's story, for its pages: each consignment's
//! making (a pickup booked, a result made ready for the post) and each of
//! its steps, oldest first, with what each carries that a reader needs
//! (the waybill, the record, why an attempt failed, who received it).

use chrono::{DateTime, Utc};
use motcua_domain::postal::consignment::{Leg, Step};
use motcua_store::DossierId;

use crate::{AppError, Services};

/// One moment of the post's part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostEvent {
    pub at: DateTime<Utc>,
    pub leg: Leg,
    /// `booked` or `awaiting-post` for the making, else the step's key
    /// (`pick-up`, `hand-to-agency`, …).
    pub what: &'static str,
    /// The waybill, the record, the note or the recipient, as the step
    /// says.
    pub detail: Option<String>,
}

/// The post's part of dossier (or draft) `id`, oldest first.
pub async fn events_of(svc: &Services, id: DossierId) -> Result<Vec<PostEvent>, AppError> {
    let mut found = Vec::new();
    for c in svc.store.consignments_of_dossier(id).await? {
        let leg = c.state.leg;
        found.push(PostEvent {
            at: c.created_at,
            leg,
            what: match leg {
                Leg::Pickup => "booked",
                Leg::Delivery => "awaiting-post",
            },
            detail: None,
        });
        for s in svc.store.consignment_steps(c.id).await? {
            let detail = match &s.step {
                Step::PickUp { waybill, .. } => Some(waybill.clone()),
                Step::HandToAgency { record } => Some(record.clone()),
                Step::HandToPost { record, waybill } => Some(format!("{record} · {waybill}")),
                Step::Attempt { note } | Step::ReturnToSender { reason: note } => {
                    Some(note.clone())
                }
                Step::Deliver { recipient, .. } => Some(recipient.clone()),
                // Said by the status itself (its reason is the system's).
                Step::Cancel { .. } => None,
                Step::ReturnToAgency => None,
            };
            found.push(PostEvent {
                at: s.at,
                leg,
                what: s.step.key(),
                detail,
            });
        }
    }
    found.sort_by_key(|e| e.at);
    Ok(found)
}

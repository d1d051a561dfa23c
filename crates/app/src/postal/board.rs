//! The post's work as one official sees it: a postal worker, the papers to
//! collect, those collected and not yet handed over, the results out for
//! delivery; a reception officer, the records of papers the post brought;
//! a return officer, the results waiting to go by post. Each side sees the
//! records not yet confirmed that it drafted or must confirm.

use motcua_domain::lifecycle::{Role, Stage};
use motcua_domain::postal::consignment::{Leg, Status};
use motcua_store::{AgencyId, ConsignmentRecord, DossierRecord, Handover, QueueQuery};

use super::handover::{collected_by, goes_by_post};
use super::offices::{self, PostSeat};
use crate::office::scope::Official;
use crate::office::system::whole_queue;
use crate::{AppError, Services, apply};

/// The most rows of each list.
const LIMIT: u32 = 200;

/// A consignment with what the page names it by.
#[derive(Debug, Clone)]
pub struct Item {
    pub consignment: ConsignmentRecord,
    /// The dossier's code, or the procedure's code before it has one.
    pub label: String,
    pub applicant: String,
    pub phone: Option<String>,
    pub agency: AgencyId,
    /// Listed on a record already (not to be listed again).
    pub listed: bool,
}

/// What the page shows an official.
#[derive(Debug, Clone, Default)]
pub struct Board {
    pub seats: Vec<PostSeat>,
    pub to_collect: Vec<Item>,
    pub collected: Vec<Item>,
    pub out_for_delivery: Vec<Item>,
    /// Records not yet confirmed, theirs to confirm or drafted by them.
    pub open_records: Vec<Handover>,
    /// Results ready to go by post at the agencies where they return
    /// results, not yet on a record.
    pub results_for_post: Vec<DossierRecord>,
    /// Agencies where they receive (confirm papers) and return results.
    pub receives_at: Vec<AgencyId>,
    pub returns_at: Vec<AgencyId>,
}

impl Board {
    /// Whether they have any part in the post's work.
    pub fn involved(&self) -> bool {
        !self.seats.is_empty() || !self.receives_at.is_empty() || !self.returns_at.is_empty()
    }
}

/// Reads the page of `official`.
pub async fn board(svc: &Services, official: &Official) -> Result<Board, AppError> {
    let seats = offices::seats(svc, official).await?;
    let served = offices::served(&seats);
    let at = |role: Role| -> Vec<AgencyId> {
        let mut found: Vec<AgencyId> = official
            .grants
            .iter()
            .filter(|g| g.role == role)
            .map(|g| g.agency)
            .collect();
        found.sort();
        found.dedup();
        found
    };
    let receives_at = at(Role::ReceptionOfficer);
    let returns_at = at(Role::ReturnOfficer);
    let mut board = Board {
        seats: seats.clone(),
        receives_at: receives_at.clone(),
        returns_at: returns_at.clone(),
        ..Board::default()
    };
    if !served.is_empty() {
        for c in svc
            .store
            .consignments_at(
                &served,
                &[
                    Status::Booked,
                    Status::PickedUp,
                    Status::WithPost,
                    Status::NotDelivered,
                ],
                LIMIT,
            )
            .await?
        {
            // Papers collected and results handed over are the business of
            // the post office holding them; a booking is open to any office
            // serving its agency.
            let held = match (c.state.leg, c.state.status) {
                (Leg::Pickup, Status::Booked) => true,
                (Leg::Pickup, _) => {
                    let mut held = false;
                    for seat in &seats {
                        held |= collected_by(svc, c.id, &seat.post_office).await?;
                    }
                    held
                }
                _ => svc
                    .store
                    .handover_of_consignment(c.id)
                    .await?
                    .is_some_and(|r| seats.iter().any(|s| s.post_office.id == r.post_office)),
            };
            if !held {
                continue;
            }
            let item = item_of(svc, c).await?;
            match (item.consignment.state.leg, item.consignment.state.status) {
                (Leg::Pickup, Status::Booked) => board.to_collect.push(item),
                (Leg::Pickup, _) => board.collected.push(item),
                _ => board.out_for_delivery.push(item),
            }
        }
    }
    let mut parties: Vec<AgencyId> = seats.iter().map(|s| s.post_office.id).collect();
    parties.extend(receives_at.iter().chain(&returns_at).copied());
    if !parties.is_empty() {
        board.open_records = svc.store.handovers_of(&parties, true, LIMIT).await?;
    }
    if !returns_at.is_empty() {
        let ready = whole_queue(
            svc,
            QueueQuery {
                stages: vec![Stage::ResultReady],
                ..QueueQuery::of(returns_at.clone(), LIMIT)
            },
        )
        .await?;
        for d in ready {
            if returns_at.contains(&d.receiving_unit)
                && goes_by_post(&d)
                && !on_its_way(svc, &d).await?
            {
                board.results_for_post.push(d);
            }
        }
    }
    Ok(board)
}

/// Whether a result's delivery is on a record, with the post, done, or
/// back at the agency (then it is collected at the counter).
async fn on_its_way(svc: &Services, d: &DossierRecord) -> Result<bool, AppError> {
    for c in svc.store.consignments_of_dossier(d.id).await? {
        if c.state.leg != Leg::Delivery {
            continue;
        }
        if c.state.status != Status::AwaitingPost
            || svc.store.handover_of_consignment(c.id).await?.is_some()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A consignment with its dossier's (or draft's) code and applicant.
pub async fn item_of(svc: &Services, c: ConsignmentRecord) -> Result<Item, AppError> {
    let listed = svc.store.handover_of_consignment(c.id).await?.is_some();
    let (label, applicant, phone) = match svc.store.dossier(c.dossier).await? {
        Some(d) => (
            d.code.as_str().to_owned(),
            d.applicant.name.clone(),
            d.applicant.phone.clone(),
        ),
        None => match svc.store.draft(c.dossier).await? {
            Some(draft) => {
                let user = svc.store.user(draft.user).await?;
                (
                    draft.procedure_code.clone(),
                    user.as_ref()
                        .map(|u| u.full_name.clone())
                        .unwrap_or_default(),
                    user.and_then(|u| u.phone),
                )
            }
            None => (String::new(), String::new(), None),
        },
    };
    Ok(Item {
        agency: c.agency,
        consignment: c,
        label,
        applicant,
        phone,
        listed,
    })
}

/// Where a consignment is collected or delivered, as written on a page, a
/// slip or the operator's pull (empty when the address list cannot be
/// read).
pub fn address_text(c: &ConsignmentRecord) -> String {
    motcua_domain::address::Units::bundled()
        .ok()
        .and_then(|u| c.address.display(u).ok())
        .unwrap_or_default()
}

/// The names of agencies, for the page.
pub async fn agency_names(
    svc: &Services,
) -> Result<std::collections::BTreeMap<AgencyId, String>, AppError> {
    Ok(apply::all_agencies(svc)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

//! Hand-over records (*biên bản giao nhận*, QĐ 45/2016 Art. 7 and 9)
//! between a post office and an agency's one-stop unit.
//!
//! Dossiers in: the postal worker drafts a record listing the papers they
//! collected for the agency; the reception officer counts them and
//! confirms. The confirmation is the legal filing time: each dossier is
//! entered then (channel `post`, under its draft's id) and the applicant
//! gets its code and PIN.
//!
//! Results out: the return officer drafts a record listing results to go
//! by post; the postal worker confirms it with each slip's waybill number,
//! and the results are with the post.
//!
//! Confirming again finishes whatever the first confirmation left undone
//! (a dossier not entered because the node stopped): every step is done
//! only if it is still undone.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use motcua_domain::forms::FieldValue;
use motcua_domain::forms::{FieldProblem, Problem};
use motcua_domain::lifecycle::{Channel, Role, Stage};
use motcua_domain::postal::consignment::{Leg, Status, Step, waybill_number};
use motcua_store::{
    AgencyId, ConsignmentId, ConsignmentRecord, Delivery, DossierId, Handover, HandoverId,
    NewConsignment, NewHandover,
};

use super::pickup::record_step;
use super::{PostalProblem, follow, offices, quote};
use crate::apply::{self, Entering, inputs};
use crate::office::scope::Official;
use crate::{AppError, Services, notices};

/// The most consignments one record lists.
pub const MAX_ITEMS: usize = 200;

/// The input a consignment's waybill number is typed in, on the form that
/// confirms a record of results.
pub fn waybill_input(consignment: ConsignmentId) -> String {
    format!("waybill-{consignment}")
}

fn not_found() -> AppError {
    AppError::NotFound("handover")
}

/// The postal worker drafts the record of the papers they bring `agency`.
pub async fn draft_pickup(
    svc: &Services,
    worker: &Official,
    agency: AgencyId,
    consignments: &[ConsignmentId],
    now: DateTime<Utc>,
) -> Result<Handover, AppError> {
    let seat = offices::seat_for(svc, worker, agency).await?;
    if consignments.is_empty() {
        return Err(AppError::field("consignments", Problem::Required));
    }
    if consignments.len() > MAX_ITEMS {
        return Err(AppError::field(
            "consignments",
            Problem::OutOfRange {
                min: 1,
                max: MAX_ITEMS as i64,
            },
        ));
    }
    Ok(svc
        .store
        .create_handover(NewHandover {
            id: HandoverId::new(),
            leg: Leg::Pickup,
            post_office: seat.post_office.id,
            agency,
            consignments: consignments.to_vec(),
            drafted_by: worker.user.id,
            at: now,
        })
        .await?)
}

/// The results of `agency` ready to go by post: decided, waiting at the
/// one-stop unit, the applicant having chosen the post.
pub fn goes_by_post(dossier: &motcua_store::DossierRecord) -> bool {
    dossier.delivery == Delivery::Post && dossier.state.stage == Stage::ResultReady
}

/// The delivery of `dossier`'s result waiting for the post, made now if
/// there is none (its address is the one the applicant gave, its postage
/// the leg's from the agency).
async fn delivery_of(
    svc: &Services,
    dossier: &motcua_store::DossierRecord,
    now: DateTime<Utc>,
) -> Result<ConsignmentRecord, AppError> {
    let waiting = svc
        .store
        .consignments_of_dossier(dossier.id)
        .await?
        .into_iter()
        .find(|c| c.state.leg == Leg::Delivery && c.state.status == Status::AwaitingPost);
    if let Some(found) = waiting {
        return Ok(found);
    }
    let Some(FieldValue::Address(address)) = dossier.form.get(inputs::DELIVERY_ADDRESS) else {
        return Err(PostalProblem::NotForPost {
            code: dossier.code.as_str().to_owned(),
        }
        .into());
    };
    let from = svc
        .store
        .agency(dossier.receiving_unit)
        .await?
        .and_then(|a| a.commune);
    let (route, _) = quote::route_between(from, address.commune())?;
    let (postage, _) = quote::postage_of(route)?;
    Ok(svc
        .store
        .create_consignment(NewConsignment {
            id: ConsignmentId::new(),
            dossier: dossier.id,
            agency: dossier.receiving_unit,
            leg: Leg::Delivery,
            address: address.clone(),
            window: None,
            postage_vnd: postage.amount(),
            at: now,
        })
        .await?)
}

/// The return officer of `agency` drafts the record of results it hands
/// to the post that serves it.
pub async fn draft_delivery(
    svc: &Services,
    officer: &Official,
    agency: AgencyId,
    dossiers: &[DossierId],
    now: DateTime<Utc>,
) -> Result<Handover, AppError> {
    if !officer.holds(Role::ReturnOfficer, agency) {
        return Err(AppError::NotFound("agency"));
    }
    if dossiers.is_empty() {
        return Err(AppError::field("dossiers", Problem::Required));
    }
    if dossiers.len() > MAX_ITEMS {
        return Err(AppError::field(
            "dossiers",
            Problem::OutOfRange {
                min: 1,
                max: MAX_ITEMS as i64,
            },
        ));
    }
    let post_office = offices::post_office_of(svc, agency).await?;
    let mut consignments = Vec::with_capacity(dossiers.len());
    for id in dossiers {
        let dossier = svc
            .store
            .dossier(*id)
            .await?
            .filter(|d| d.receiving_unit == agency)
            .ok_or(AppError::NotFound("dossier"))?;
        if !goes_by_post(&dossier) {
            return Err(PostalProblem::NotForPost {
                code: dossier.code.as_str().to_owned(),
            }
            .into());
        }
        consignments.push(delivery_of(svc, &dossier, now).await?.id);
    }
    Ok(svc
        .store
        .create_handover(NewHandover {
            id: HandoverId::new(),
            leg: Leg::Delivery,
            post_office: post_office.id,
            agency,
            consignments,
            drafted_by: officer.user.id,
            at: now,
        })
        .await?)
}

/// Whether `official` is the side that confirms `record`: the agency's
/// reception officer for papers coming in, a postal worker of the post
/// office for results going out.
fn confirms(official: &Official, record: &Handover) -> bool {
    match record.leg {
        Leg::Pickup => official.holds(Role::ReceptionOfficer, record.agency),
        Leg::Delivery => official.holds(Role::PostalWorker, record.post_office),
    }
}

/// Whether `official` may read `record`: either side.
pub fn may_read(official: &Official, record: &Handover) -> bool {
    official.holds(Role::PostalWorker, record.post_office)
        || official
            .roles_at(&[record.agency])
            .any(|r| matches!(r, Role::ReceptionOfficer | Role::ReturnOfficer))
}

/// A record `official` may read.
pub async fn read(
    svc: &Services,
    official: &Official,
    id: HandoverId,
) -> Result<Handover, AppError> {
    svc.store
        .handover(id)
        .await?
        .filter(|r| may_read(official, r))
        .ok_or_else(not_found)
}

/// The waybill numbers typed for a record of results, checked: one for
/// each result not yet with the post.
async fn waybills_of(
    svc: &Services,
    record: &Handover,
    typed: &BTreeMap<String, String>,
) -> Result<BTreeMap<ConsignmentId, String>, AppError> {
    let mut found = BTreeMap::new();
    let mut problems = Vec::new();
    for id in &record.consignments {
        let Some(c) = svc.store.consignment(*id).await? else {
            continue;
        };
        if c.state.status != Status::AwaitingPost {
            continue;
        }
        let input = waybill_input(*id);
        match typed.get(&input).map(|s| s.trim()).unwrap_or("") {
            "" => problems.push(FieldProblem {
                field: input,
                problem: Problem::Required,
            }),
            text => match waybill_number(text) {
                Ok(number) => {
                    found.insert(*id, number);
                }
                Err(_) => problems.push(FieldProblem {
                    field: input,
                    problem: Problem::NotAnOption,
                }),
            },
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(AppError::Invalid(problems))
    }
}

/// The other side confirms `id` at `now` (for results, with the waybill
/// numbers typed per consignment, [`waybill_input`]); what the
/// confirmation entails is done, or finished if an earlier confirmation
/// left it undone.
pub async fn confirm(
    svc: &Services,
    official: &Official,
    id: HandoverId,
    typed: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Handover, AppError> {
    let record = read(svc, official, id).await?;
    if !confirms(official, &record) {
        return Err(PostalProblem::OtherSide.into());
    }
    let waybills = match record.leg {
        Leg::Delivery => waybills_of(svc, &record, typed).await?,
        Leg::Pickup => BTreeMap::new(),
    };
    let record = svc
        .store
        .confirm_handover(id, official.user.id, now)
        .await?
        .record()
        .clone();
    let (by, at) = record
        .confirmed
        .ok_or_else(|| AppError::Internal("a confirmed record without its time".into()))?;
    for consignment in &record.consignments {
        let Some(c) = svc.store.consignment(*consignment).await? else {
            continue;
        };
        match record.leg {
            Leg::Pickup => bring_in(svc, &record, c, by, at, now).await?,
            Leg::Delivery => {
                if c.state.status != Status::AwaitingPost {
                    continue;
                }
                let Some(waybill) = waybills.get(consignment) else {
                    continue;
                };
                let step = Step::HandToPost {
                    record: record.number.to_string(),
                    waybill: waybill.clone(),
                };
                let calendar = apply::work_calendar(svc).await?;
                let next = c
                    .state
                    .apply(&step, at, &calendar)
                    .map_err(PostalProblem::from)?;
                let done = record_step(svc, &c, Some(by), step.clone(), next, at).await?;
                follow::after_step(svc, &done, &step, done.steps, now).await?;
            }
        }
    }
    Ok(record)
}

/// A dossier brought in on a confirmed record: entered at the
/// confirmation (if it is not yet), its applicant told its code and PIN,
/// and its consignment closed at the agency.
async fn bring_in(
    svc: &Services,
    record: &Handover,
    c: ConsignmentRecord,
    by: motcua_store::UserId,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if svc.store.dossier(c.dossier).await?.is_none() {
        let draft = svc
            .store
            .draft(c.dossier)
            .await?
            .ok_or(AppError::NotFound("draft"))?;
        let owner = svc
            .store
            .user(draft.user)
            .await?
            .ok_or(AppError::NotFound("account"))?;
        let version = apply::online_procedure(svc, &draft.procedure_code, at).await?;
        let checked = apply::check(svc, &draft, &version.procedure).await?;
        let calendar = apply::work_calendar(svc).await?;
        let entering = Entering {
            channel: Channel::Post,
            role: Role::ReceptionOfficer,
            actor: by,
            at,
        };
        match apply::enter(
            svc,
            &owner,
            &draft,
            &version.procedure,
            checked,
            &calendar,
            entering,
        )
        .await
        {
            Ok(dossier) => {
                let estimate = apply::estimate(svc, &dossier, &version.procedure, &calendar)
                    .await
                    .ok();
                notices::submitted(
                    svc,
                    &owner,
                    &dossier,
                    &version.procedure,
                    &draft.pin,
                    estimate,
                    now,
                )
                .await?;
            }
            // Entered meanwhile by another confirmation of the record.
            Err(AppError::Store(motcua_store::StoreError::Conflict { .. })) => {}
            Err(e) => return Err(e),
        }
    }
    if c.state.status == Status::PickedUp {
        let step = Step::HandToAgency {
            record: record.number.to_string(),
        };
        let calendar = apply::work_calendar(svc).await?;
        let next = c
            .state
            .apply(&step, at, &calendar)
            .map_err(PostalProblem::from)?;
        record_step(svc, &c, Some(by), step, next, at).await?;
    }
    Ok(())
}

/// The side that drafted a record not yet confirmed discards it; what it
/// listed can go on another.
pub async fn discard(svc: &Services, official: &Official, id: HandoverId) -> Result<(), AppError> {
    let record = read(svc, official, id).await?;
    if record.drafted_by != official.user.id {
        return Err(not_found());
    }
    svc.store.discard_handover(id).await?;
    Ok(())
}

/// One line of a record's money: what the post collected with a dossier
/// it brought (postage and fees, handed to the agency in full), or the
/// postage of a result it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub consignment: ConsignmentId,
    pub dossier: DossierId,
    pub waybill: Option<String>,
    pub postage_vnd: u64,
    pub fees_vnd: u64,
}

/// A record's money, line by line and in total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    pub lines: Vec<Line>,
    pub postage_vnd: u64,
    pub fees_vnd: u64,
}

/// What changes hands in money with `record`: for papers brought in, the
/// postage and fees the postal worker said they collected at pickup; for
/// results, each one's quoted postage.
pub async fn reconcile(svc: &Services, record: &Handover) -> Result<Reconciliation, AppError> {
    let mut lines = Vec::with_capacity(record.consignments.len());
    for id in &record.consignments {
        let Some(c) = svc.store.consignment(*id).await? else {
            continue;
        };
        let collected = svc
            .store
            .consignment_steps(*id)
            .await?
            .into_iter()
            .find_map(|s| match s.step {
                Step::PickUp {
                    postage_vnd,
                    fees_vnd,
                    ..
                } => Some((postage_vnd, fees_vnd)),
                _ => None,
            });
        let (postage_vnd, fees_vnd) = collected.unwrap_or((c.postage_vnd, 0));
        lines.push(Line {
            consignment: c.id,
            dossier: c.dossier,
            waybill: c.state.waybill.clone(),
            postage_vnd,
            fees_vnd,
        });
    }
    Ok(Reconciliation {
        postage_vnd: lines.iter().map(|l| l.postage_vnd).sum(),
        fees_vnd: lines.iter().map(|l| l.fees_vnd).sum(),
        lines,
    })
}

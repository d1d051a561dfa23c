//! Hand-over records (*biên bản giao nhận*, QĐ 45/2016 Art. 7 and 9)
//! between a post office and an agency's one-stop unit.
//!
//! Dossiers in: the postal worker drafts a record listing the papers they
//! collected for the agency; the reception officer counts them and
//! confirms. The confirmation is the legal filing time: each dossier is
//! entered then (channel `post`, under its draft's id) and received as
//! complete, its legal clock starting at that moment; the applicant gets
//! its code and PIN, then its due date.
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
use motcua_domain::lifecycle::{Action, Channel, Role, Stage};
use motcua_domain::postal::consignment::{Leg, Status, Step, waybill_number};
use motcua_store::{
    AgencyId, ConsignmentId, ConsignmentRecord, Delivery, DossierId, Handover, HandoverId,
    NewConsignment, NewHandover,
};

use super::steps;
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
    for id in consignments {
        if !collected_by(svc, *id, &seat.post_office).await? {
            return Err(PostalProblem::NotServed.into());
        }
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

/// Whether consignment `id` was collected for `post_office`: the office
/// its collection names, or, for a collection recorded without one (the
/// operator's push), any. A post office hands over only the papers it
/// holds.
pub(crate) async fn collected_by(
    svc: &Services,
    id: ConsignmentId,
    post_office: &motcua_store::Agency,
) -> Result<bool, AppError> {
    let holder = svc
        .store
        .consignment_steps(id)
        .await?
        .into_iter()
        .find_map(|s| match s.step {
            Step::PickUp { post_office, .. } => Some(post_office),
            _ => None,
        });
    Ok(match holder {
        Some(Some(holder)) => holder == post_office.identifier.as_str(),
        // Not collected (the store refuses to list it, saying why), or
        // reported collected by the operator's own system.
        Some(None) | None => true,
    })
}

/// The results of `agency` ready to go by post: decided, waiting at the
/// one-stop unit, the applicant having chosen the post.
pub fn goes_by_post(dossier: &motcua_store::DossierRecord) -> bool {
    dossier.delivery == Delivery::Post && dossier.state.stage == Stage::ResultReady
}

/// The delivery of `dossier`'s result waiting for the post and on no
/// record, made now if there is none (its address is the one the applicant
/// gave, its postage the return leg's, as quoted). A result with the post,
/// delivered or back at the agency is not sent again.
async fn delivery_of(
    svc: &Services,
    dossier: &motcua_store::DossierRecord,
    now: DateTime<Utc>,
) -> Result<ConsignmentRecord, AppError> {
    let not_for_post = || -> AppError {
        PostalProblem::NotForPost {
            code: dossier.code.as_str().to_owned(),
        }
        .into()
    };
    let existing = svc
        .store
        .consignments_of_dossier(dossier.id)
        .await?
        .into_iter()
        .find(|c| c.state.leg == Leg::Delivery && c.state.status != Status::Cancelled);
    if let Some(found) = existing {
        let listed = svc.store.handover_of_consignment(found.id).await?.is_some();
        return match (found.state.status, listed) {
            (Status::AwaitingPost, false) => Ok(found),
            _ => Err(not_for_post()),
        };
    }
    let Some(FieldValue::Address(address)) = dossier.form.get(inputs::DELIVERY_ADDRESS) else {
        return Err(not_for_post());
    };
    let route = apply::return_route(svc, dossier).await?;
    let (postage, _) = quote::postage_of(route)?;
    let made = svc
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
        .await;
    match made {
        Ok(made) => Ok(made),
        // Another officer made it at the same moment: one of the two
        // records will list it.
        Err(motcua_store::StoreError::Conflict { .. }) => Err(not_for_post()),
        Err(e) => Err(e.into()),
    }
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
/// Not the one who drafted it: two people sign a hand-over.
pub fn confirms(official: &Official, record: &Handover) -> bool {
    record.drafted_by != official.user.id
        && match record.leg {
            Leg::Pickup => official.holds(Role::ReceptionOfficer, record.agency),
            Leg::Delivery => official.holds(Role::PostalWorker, record.post_office),
        }
}

/// Whether `record` still has something its confirmation does: it is not
/// confirmed, or a confirmation cut short left papers not entered or
/// results not handed to the post (confirming again finishes them).
pub async fn unfinished(svc: &Services, record: &Handover) -> Result<bool, AppError> {
    if record.confirmed.is_none() {
        return Ok(true);
    }
    let waiting = match record.leg {
        Leg::Pickup => Status::PickedUp,
        Leg::Delivery => Status::AwaitingPost,
    };
    for id in &record.consignments {
        if let Some(c) = svc.store.consignment(*id).await?
            && c.state.status == waiting
        {
            return Ok(true);
        }
    }
    Ok(false)
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

/// The waybill numbers typed for a record of results, checked before
/// anything is confirmed: one for each result not yet with the post, each
/// a valid number, none typed twice, none another consignment's; and each
/// result still waiting to go by post.
async fn waybills_of(
    svc: &Services,
    record: &Handover,
    typed: &BTreeMap<String, String>,
) -> Result<BTreeMap<ConsignmentId, String>, AppError> {
    let mut found: BTreeMap<ConsignmentId, String> = BTreeMap::new();
    let mut problems = Vec::new();
    for id in &record.consignments {
        let Some(c) = svc.store.consignment(*id).await? else {
            continue;
        };
        if c.state.status != Status::AwaitingPost {
            continue;
        }
        if let Some(d) = svc.store.dossier(c.dossier).await?
            && !goes_by_post(&d)
        {
            return Err(PostalProblem::NotForPost {
                code: d.code.as_str().to_owned(),
            }
            .into());
        }
        let input = waybill_input(*id);
        let problem = match typed.get(&input).map(|s| s.trim()).unwrap_or("") {
            "" => Some(Problem::Required),
            text => match waybill_number(text) {
                Ok(number)
                    if found.values().any(|w| *w == number)
                        || svc
                            .store
                            .consignment_by_waybill(&number)
                            .await?
                            .is_some_and(|other| other.id != *id) =>
                {
                    return Err(PostalProblem::WaybillTaken { waybill: number }.into());
                }
                Ok(number) => {
                    found.insert(*id, number);
                    None
                }
                Err(_) => Some(Problem::NotAnOption),
            },
        };
        if let Some(problem) = problem {
            problems.push(FieldProblem {
                field: input,
                problem,
            });
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(AppError::Invalid(problems))
    }
}

/// What entering a collected dossier needs, checked before the record is
/// confirmed: its draft and applicant, the procedure offered online, a
/// form that passes, and this agency as its one-stop unit.
struct Entry {
    consignment: ConsignmentRecord,
    draft: motcua_store::Draft,
    owner: motcua_store::User,
    procedure: motcua_domain::catalog::Procedure,
    checked: apply::Checked,
}

async fn entry_of(
    svc: &Services,
    record: &Handover,
    c: ConsignmentRecord,
    at: DateTime<Utc>,
) -> Result<Entry, AppError> {
    let cannot = |label: &str| -> AppError {
        PostalProblem::NotEnterable {
            label: label.to_owned(),
        }
        .into()
    };
    let waybill = c.state.waybill.clone().unwrap_or_default();
    let draft = svc
        .store
        .draft(c.dossier)
        .await?
        .ok_or_else(|| cannot(&waybill))?;
    let owner = svc
        .store
        .user(draft.user)
        .await?
        .ok_or_else(|| cannot(&waybill))?;
    let version = apply::online_procedure(svc, &draft.procedure_code, at)
        .await
        .map_err(|_| cannot(&waybill))?;
    let checked = apply::check(svc, &draft, &version.procedure)
        .await
        .map_err(|_| cannot(&waybill))?;
    if checked.receiving.id != record.agency {
        return Err(cannot(&waybill));
    }
    Ok(Entry {
        consignment: c,
        draft,
        owner,
        procedure: version.procedure,
        checked,
    })
}

/// The other side confirms `id` at `now` (for results, with the waybill
/// numbers typed per consignment, [`waybill_input`]); what the
/// confirmation entails is done, or finished if an earlier confirmation
/// left it undone. Everything that can be checked is checked before the
/// record is confirmed, so a refusal leaves it as it was.
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
    let at = record.confirmed.map_or(now, |(_, at)| at);
    // Papers: each still to enter must be enterable here.
    let mut entries = Vec::new();
    if record.leg == Leg::Pickup {
        for consignment in &record.consignments {
            let Some(c) = svc.store.consignment(*consignment).await? else {
                continue;
            };
            if c.state.status == Status::PickedUp {
                entries.push(entry_of(svc, &record, c, at).await?);
            }
        }
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
    for entry in entries {
        bring_in(svc, official, &record, entry, by, at, now).await?;
    }
    for (consignment, waybill) in waybills {
        let Some(c) = svc.store.consignment(consignment).await? else {
            continue;
        };
        let step = Step::HandToPost {
            record: record.number.to_string(),
            waybill,
        };
        if let Some(done) = step_once(svc, c, by, step.clone(), at).await? {
            follow::after_step(svc, &done, &step, done.steps, now).await?;
        }
    }
    Ok(record)
}

/// Records `step` on `c` unless it has moved on: a confirmation running at
/// the same moment elsewhere took it first (then `None`).
async fn step_once(
    svc: &Services,
    c: ConsignmentRecord,
    by: motcua_store::UserId,
    step: Step,
    at: DateTime<Utc>,
) -> Result<Option<ConsignmentRecord>, AppError> {
    let status = c.state.status;
    match steps::record(svc, &c, Some(by), step, at).await {
        Ok(done) => Ok(Some(done)),
        Err(AppError::Store(motcua_store::StoreError::Conflict { .. })) => {
            match svc.store.consignment(c.id).await? {
                Some(now) if now.state.status != status => Ok(None),
                _ => Err(motcua_store::StoreError::conflict("consignment").into()),
            }
        }
        Err(e) => Err(e),
    }
}

/// A dossier brought in on a confirmed record: entered at the
/// confirmation (if it is not yet), its applicant told its code and PIN
/// (once, however often this runs), and its consignment closed at the
/// agency.
async fn bring_in(
    svc: &Services,
    official: &Official,
    record: &Handover,
    entry: Entry,
    by: motcua_store::UserId,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Entry {
        consignment: c,
        draft,
        owner,
        procedure,
        checked,
    } = entry;
    let calendar = apply::work_calendar(svc).await?;
    let dossier = match svc.store.dossier(c.dossier).await? {
        Some(dossier) => dossier,
        None => {
            let entering = Entering {
                channel: Channel::Post,
                role: Role::ReceptionOfficer,
                actor: by,
                at,
            };
            match apply::enter(
                svc, &owner, &draft, &procedure, checked, &calendar, entering,
            )
            .await
            {
                Ok(dossier) => dossier,
                // Entered meanwhile by a confirmation running elsewhere;
                // anything else that conflicted is said as it is.
                Err(AppError::Store(motcua_store::StoreError::Conflict { .. })) => svc
                    .store
                    .dossier(c.dossier)
                    .await?
                    .ok_or_else(|| motcua_store::StoreError::conflict("dossier id"))?,
                Err(e) => return Err(e),
            }
        }
    };
    let estimate = apply::estimate(svc, &dossier, &procedure, &calendar)
        .await
        .ok();
    notices::submitted(svc, &owner, &dossier, &procedure, &draft.pin, estimate, now).await?;
    // Signing the record confirms each dossier on it complete (QĐ 45
    // Art. 7): it is received then, and its legal clock starts at that
    // moment, however late this runs.
    if dossier.state.stage == Stage::AwaitingReception {
        match crate::office::act::act(svc, official, dossier.id, Action::Accept, Vec::new(), at)
            .await
        {
            Ok(_) => {}
            // Accepted meanwhile by a confirmation running elsewhere.
            Err(AppError::Store(motcua_store::StoreError::Conflict { .. })) => {}
            Err(e) => return Err(e),
        }
    }
    let step = Step::HandToAgency {
        record: record.number.to_string(),
    };
    step_once(svc, c, by, step, at).await?;
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
        postage_vnd: lines
            .iter()
            .fold(0u64, |sum, l| sum.saturating_add(l.postage_vnd)),
        fees_vnd: lines
            .iter()
            .fold(0u64, |sum, l| sum.saturating_add(l.fees_vnd)),
        lines,
    })
}

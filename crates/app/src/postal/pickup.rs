//! The post collects a dossier's papers from the applicant (QĐ 45/2016
//! Art. 6): the applicant books a day and a part of it; the postal worker
//! collects the papers, signs the consignment slip with its waybill number
//! and takes the postage and fees. The dossier does not exist yet: it is
//! entered when the agency confirms the hand-over record
//! ([`super::handover`]). Until then the draft cannot change, except by
//! cancelling a pickup not yet made.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use motcua_domain::calendar;
use motcua_domain::forms::Problem;
use motcua_domain::postal::consignment::{Leg, Status, Step};
use motcua_store::{
    ConsignmentId, ConsignmentRecord, DossierId, Draft, NewConsignment, PickupWindow, StoreError,
    User,
};

use super::steps::take;
use super::{PostalProblem, offices, quote};
use crate::apply::{self, inputs};
use crate::notices::{self, Addressee};
use crate::office::scope::Official;
use crate::{AppError, Services};

/// The most a postal worker records collecting with one dossier, postage
/// or fees (a mistyped amount, not a real one, beyond it).
pub const MAX_COLLECTED_VND: u64 = 100_000_000;

/// How far ahead a pickup may be booked, in days.
pub const DAYS_AHEAD: u32 = 14;

/// The part of the day the post comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// 07:30–11:30.
    Morning,
    /// 13:30–17:00.
    Afternoon,
}

impl Slot {
    pub const ALL: [Slot; 2] = [Slot::Morning, Slot::Afternoon];

    pub fn key(self) -> &'static str {
        match self {
            Slot::Morning => "morning",
            Slot::Afternoon => "afternoon",
        }
    }

    pub fn from_key(key: &str) -> Option<Slot> {
        Slot::ALL.into_iter().find(|s| s.key() == key.trim())
    }

    /// Its hours, Vietnam time.
    fn hours(self) -> (NaiveTime, NaiveTime) {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        match self {
            Slot::Morning => (at(7, 30), at(11, 30)),
            Slot::Afternoon => (at(13, 30), at(17, 0)),
        }
    }

    /// The window on `day`.
    pub fn window(self, day: NaiveDate) -> PickupWindow {
        let (from, to) = self.hours();
        PickupWindow {
            from: calendar::to_utc(day.and_time(from)),
            to: calendar::to_utc(day.and_time(to)),
        }
    }
}

/// The pickup of a draft still in force (booked or collected, not yet
/// handed to the agency nor cancelled).
pub async fn active(
    svc: &Services,
    draft: DossierId,
) -> Result<Option<ConsignmentRecord>, AppError> {
    Ok(svc
        .store
        .consignments_of_dossier(draft)
        .await?
        .into_iter()
        .find(|c| {
            c.state.leg == Leg::Pickup
                && matches!(c.state.status, Status::Booked | Status::PickedUp)
        }))
}

/// Refuses a change to a draft whose papers the post is collecting.
pub async fn refuse_if_with_post(svc: &Services, draft: DossierId) -> Result<(), AppError> {
    match active(svc, draft).await? {
        Some(_) => Err(PostalProblem::WithThePost.into()),
        None => Ok(()),
    }
}

/// The day and part of it the applicant chose, checked: a working day
/// from tomorrow, within [`DAYS_AHEAD`] days.
fn window_of(
    draft: &Draft,
    calendar: &calendar::WorkCalendar,
    now: DateTime<Utc>,
) -> Result<PickupWindow, AppError> {
    let input = |name: &str| draft.inputs.get(name).map(|s| s.trim()).unwrap_or("");
    let mut problems = Vec::new();
    let day = match input(inputs::PICKUP_DAY) {
        "" => {
            problems.push((inputs::PICKUP_DAY, Problem::Required));
            None
        }
        text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => Some(day),
            Err(_) => {
                problems.push((inputs::PICKUP_DAY, Problem::NotADate));
                None
            }
        },
    };
    let slot = match input(inputs::PICKUP_SLOT) {
        "" => {
            problems.push((inputs::PICKUP_SLOT, Problem::Required));
            None
        }
        text => Slot::from_key(text).or_else(|| {
            problems.push((inputs::PICKUP_SLOT, Problem::NotAnOption));
            None
        }),
    };
    if !problems.is_empty() {
        return Err(AppError::Invalid(
            problems
                .into_iter()
                .map(|(field, problem)| motcua_domain::forms::FieldProblem {
                    field: field.to_owned(),
                    problem,
                })
                .collect(),
        ));
    }
    let (Some(day), Some(slot)) = (day, slot) else {
        return Err(AppError::field(inputs::PICKUP_DAY, Problem::Required));
    };
    let today = calendar::to_local(now).date();
    let ahead = (day - today).num_days();
    if ahead < 1 || ahead > i64::from(DAYS_AHEAD) || !calendar.is_working_day(day)? {
        return Err(PostalProblem::PickupDay { days: DAYS_AHEAD }.into());
    }
    Ok(slot.window(day))
}

/// What booking answered.
#[derive(Debug, Clone)]
pub struct Booked {
    pub consignment: ConsignmentRecord,
    /// It had been booked already (a repeated request): nothing new.
    pub already: bool,
}

/// `user` asks the post to collect the papers of draft `id`: the draft is
/// checked as a submission would be (its address is where the post
/// comes), and a pickup is booked for the receiving unit with the
/// postage of the leg.
pub async fn book(
    svc: &Services,
    user: &User,
    id: DossierId,
    now: DateTime<Utc>,
) -> Result<Booked, AppError> {
    let draft = apply::draft_of(svc, user, id).await?;
    if let Some(consignment) = active(svc, id).await? {
        return Ok(Booked {
            consignment,
            already: true,
        });
    }
    if svc.store.dossier(id).await?.is_some() {
        return Err(AppError::NotFound("draft"));
    }
    let version = apply::online_procedure(svc, &draft.procedure_code, now).await?;
    let checked = apply::check(svc, &draft, &version.procedure).await?;
    let Some(address) = checked.delivery_address.clone().filter(|_| checked.by_post) else {
        return Err(AppError::field(inputs::DISPATCH, Problem::Required));
    };
    let calendar = apply::work_calendar(svc).await?;
    let window = window_of(&draft, &calendar, now)?;
    // The post must serve the receiving unit, or no one would come.
    offices::post_office_of(svc, checked.receiving.id).await?;
    let (route, _) = quote::route_between(address.commune(), checked.receiving.commune)?;
    let (postage, _) = quote::postage_of(route)?;
    let made = svc
        .store
        .create_consignment(NewConsignment {
            id: ConsignmentId::new(),
            dossier: id,
            agency: checked.receiving.id,
            leg: Leg::Pickup,
            address,
            window: Some(window),
            postage_vnd: postage.amount(),
            at: now,
        })
        .await;
    let consignment = match made {
        Ok(consignment) => consignment,
        // Booked at the same moment by another request: that one stands.
        Err(StoreError::Conflict { .. }) => {
            if let Some(first) = active(svc, id).await? {
                return Ok(Booked {
                    consignment: first,
                    already: true,
                });
            }
            return Err(StoreError::conflict("pickup").into());
        }
        Err(e) => return Err(e.into()),
    };
    notices::post_news(
        svc,
        &Addressee::of_user(user),
        &notices::procedure_name(&version.procedure, Addressee::of_user(user).lang),
        Status::Booked.key(),
        "",
        &format!("consignment:{}:booked", consignment.id),
        now,
    )
    .await?;
    Ok(Booked {
        consignment,
        already: false,
    })
}

/// The applicant cancels a pickup the post has not made yet; the draft can
/// change again.
pub async fn cancel(
    svc: &Services,
    user: &User,
    draft: DossierId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    apply::draft_of(svc, user, draft).await?;
    let Some(consignment) = active(svc, draft).await? else {
        return Ok(());
    };
    let step = Step::Cancel {
        reason: "cancelled by the applicant".into(),
    };
    take(svc, &consignment, Some(user.id), step, now).await?;
    Ok(())
}

/// The postal worker collected the papers: the slip's waybill number, the
/// postage and the fees they took.
pub async fn pick_up(
    svc: &Services,
    worker: &Official,
    id: ConsignmentId,
    waybill: &str,
    postage_vnd: u64,
    fees_vnd: u64,
    now: DateTime<Utc>,
) -> Result<ConsignmentRecord, AppError> {
    let consignment = svc
        .store
        .consignment(id)
        .await?
        .ok_or(AppError::NotFound("consignment"))?;
    let seat = offices::seat_for(svc, worker, consignment.agency).await?;
    let mut problems = Vec::new();
    for (field, amount) in [("postage", postage_vnd), ("fees", fees_vnd)] {
        if amount > MAX_COLLECTED_VND {
            problems.push(motcua_domain::forms::FieldProblem {
                field: field.to_owned(),
                problem: Problem::OutOfRange {
                    min: 0,
                    max: MAX_COLLECTED_VND as i64,
                },
            });
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let waybill =
        motcua_domain::postal::consignment::waybill_number(waybill).map_err(PostalProblem::from)?;
    let step = Step::PickUp {
        waybill,
        postage_vnd,
        fees_vnd,
        post_office: Some(seat.post_office.identifier.as_str().to_owned()),
    };
    take(svc, &consignment, Some(worker.user.id), step, now).await
}

/// The postal worker gives collected papers back to the applicant (the
/// agency could not receive them, or the applicant asked for them), and
/// why: only the post office holding them, and not while a record lists
/// them (discard it first). The draft can then change and be sent again.
pub async fn give_back(
    svc: &Services,
    worker: &Official,
    id: ConsignmentId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<ConsignmentRecord, AppError> {
    let consignment = svc
        .store
        .consignment(id)
        .await?
        .filter(|c| c.state.leg == Leg::Pickup)
        .ok_or(AppError::NotFound("consignment"))?;
    let seat = offices::seat_for(svc, worker, consignment.agency).await?;
    if !super::handover::collected_by(svc, id, &seat.post_office).await? {
        return Err(PostalProblem::NotServed.into());
    }
    if svc.store.handover_of_consignment(id).await?.is_some() {
        return Err(PostalProblem::OnARecord.into());
    }
    let step = Step::ReturnToSender {
        reason: crate::applicant::reason_text("reason", reason)?,
    };
    take(svc, &consignment, Some(worker.user.id), step, now).await
}

/// What the consignment slip of a pickup says (TT 17/2017 Art. 9): the
/// sender, the recipient agency, the post office, the procedure and its
/// documents, the window and the price.
#[derive(Debug, Clone)]
pub struct Slip {
    pub consignment: ConsignmentRecord,
    pub post_office: motcua_store::Agency,
    pub agency: motcua_store::Agency,
    pub sender: User,
    pub procedure_code: String,
    /// The procedure in force when the pickup was booked.
    pub procedure: Option<motcua_domain::catalog::Procedure>,
}

/// The slip of pickup `id`, for a postal worker serving its agency.
pub async fn slip(svc: &Services, worker: &Official, id: ConsignmentId) -> Result<Slip, AppError> {
    let not_found = || AppError::NotFound("consignment");
    let consignment = svc
        .store
        .consignment(id)
        .await?
        .filter(|c| c.state.leg == Leg::Pickup)
        .ok_or_else(not_found)?;
    let seat = offices::seat_for(svc, worker, consignment.agency)
        .await
        .map_err(|_| not_found())?;
    let draft = svc
        .store
        .draft(consignment.dossier)
        .await?
        .ok_or_else(not_found)?;
    let sender = svc.store.user(draft.user).await?.ok_or_else(not_found)?;
    let agency = svc
        .store
        .agency(consignment.agency)
        .await?
        .ok_or_else(not_found)?;
    let procedure = svc
        .store
        .procedure_in_force(&draft.procedure_code, apply::today(consignment.created_at))
        .await?
        .map(|v| v.procedure);
    Ok(Slip {
        consignment,
        post_office: seat.post_office,
        agency,
        sender,
        procedure_code: draft.procedure_code,
        procedure,
    })
}

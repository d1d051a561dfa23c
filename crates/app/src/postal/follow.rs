//! What follows a step of the post, whoever recorded it (a postal worker
//! on the page, or the operator's system by a push): the applicant hears
//! of it, and a delivery returns the result on the dossier's timeline
//! (*trả kết quả*, by the postal worker, naming who received it).
//!
//! A result decided that goes by post is announced to the postal workers
//! who will collect it ([`result_ready`]).
//!
//! Each follow-up is keyed by the step, so running it again (a retried
//! push, a crash between the step and its follow-up) sends one message
//! and records one return.

use chrono::{DateTime, Utc};
use motcua_domain::lifecycle::{Action, Clockwork, Recipient, Role, Stage};
use motcua_domain::postal::consignment::Step;
use motcua_store::{ConsignmentRecord, DossierRecord, NewEvent, StoreError};

use crate::notices::{self, Addressee};
use crate::office::act::{hours_of, procedure_of};
use crate::{AppError, Services, apply};

/// Attempts at returning the result when someone else acts on the dossier
/// at the same moment.
const RETRIES: usize = 3;

/// Follows `step`, the `seq`-th of `consignment` (as it is after it).
pub async fn after_step(
    svc: &Services,
    consignment: &ConsignmentRecord,
    step: &Step,
    seq: u32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let status = consignment.state.status.key();
    let key = format!("consignment:{}:step:{seq}", consignment.id);
    let detail = match step {
        Step::PickUp { waybill, .. } | Step::HandToPost { waybill, .. } => waybill.clone(),
        Step::Attempt { note } | Step::ReturnToSender { reason: note } => note.clone(),
        Step::Deliver { recipient, .. } => recipient.clone(),
        Step::ReturnToAgency => String::new(),
        // Nothing the applicant does not know.
        Step::HandToAgency { .. } | Step::Cancel { .. } => return Ok(()),
    };
    let dossier = svc.store.dossier(consignment.dossier).await?;
    if let Step::Deliver {
        recipient,
        identity,
    } = step
        && let Some(dossier) = &dossier
    {
        let recipient = Recipient {
            name: recipient.clone(),
            identity: identity.clone(),
        };
        return_result(svc, dossier, recipient, consignment, now).await?;
        return Ok(());
    }
    let (to, label) = match &dossier {
        Some(dossier) => (
            Addressee::of_dossier(svc, dossier).await?,
            dossier.code.as_str().to_owned(),
        ),
        // Papers collected for a draft: it has no code yet.
        None => {
            let Some(draft) = svc.store.draft(consignment.dossier).await? else {
                return Ok(());
            };
            let Some(user) = svc.store.user(draft.user).await? else {
                return Ok(());
            };
            let to = Addressee::of_user(&user);
            let label = match svc
                .store
                .procedure_in_force(&draft.procedure_code, apply::today(now))
                .await?
            {
                Some(v) => notices::procedure_name(&v.procedure, to.lang),
                None => draft.procedure_code.clone(),
            };
            (to, label)
        }
    };
    notices::post_news(svc, &to, &label, status, &detail, &key, now).await
}

/// The result delivered: returned on the dossier by the postal worker,
/// at the delivery's time, unless it was returned already.
async fn return_result(
    svc: &Services,
    dossier: &DossierRecord,
    recipient: Recipient,
    consignment: &ConsignmentRecord,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let at = consignment.state.last_at;
    let actor = svc
        .store
        .consignment_steps(consignment.id)
        .await?
        .last()
        .and_then(|s| s.actor);
    let mut dossier = dossier.clone();
    for _ in 0..RETRIES {
        if dossier.state.stage != Stage::ResultReady {
            return Ok(());
        }
        let calendar = apply::work_calendar(svc).await?;
        let hours = hours_of(svc, &dossier).await?;
        let event = dossier.state.decide(
            Action::ReturnResult {
                recipient: Some(recipient.clone()),
            },
            Role::PostalWorker,
            at.max(dossier.state.last_event_at),
            Clockwork {
                calendar: &calendar,
                hours: &hours,
            },
        )?;
        match svc
            .store
            .append_event(
                dossier.id,
                dossier.event_count,
                NewEvent {
                    actor,
                    event,
                    attachments: Vec::new(),
                    jobs: Vec::new(),
                },
            )
            .await
        {
            Ok(updated) => {
                if let Some(procedure) = procedure_of(svc, &updated).await? {
                    notices::stage_changed(
                        svc,
                        &updated,
                        &procedure,
                        updated.event_count,
                        Some(&recipient.name),
                        now,
                    )
                    .await?;
                }
                return Ok(());
            }
            Err(StoreError::Conflict { .. }) => {
                dossier = svc
                    .store
                    .dossier(dossier.id)
                    .await?
                    .ok_or(AppError::NotFound("dossier"))?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::conflict("the dossier kept changing").into())
}

/// A result decided that goes by post: the postal workers of the post
/// office serving its one-stop unit are told it waits for them (QĐ 45/2016
/// Art. 8: the agency tells the post and the applicant), once per event.
pub async fn result_ready(
    svc: &Services,
    dossier: &DossierRecord,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if !super::handover::goes_by_post(dossier) {
        return Ok(());
    }
    let office = match super::offices::post_office_of(svc, dossier.receiving_unit).await {
        Ok(office) => office,
        // No post office yet: the return officer sees the result waiting.
        Err(AppError::Postal(_)) => return Ok(()),
        Err(e) => return Err(e),
    };
    let agency = svc
        .store
        .agency(dossier.receiving_unit)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    for grant in svc.store.grants_at(office.id).await? {
        if grant.role != Role::PostalWorker {
            continue;
        }
        let Some(user) = svc.store.user(grant.user).await? else {
            continue;
        };
        let Some(address) = user.email.clone().filter(|_| !user.disabled) else {
            continue;
        };
        let lang = crate::accounts::language_of(&user);
        let code = dossier.code.as_str().to_owned();
        let message = crate::outbox::EmailMessage {
            to: address,
            subject: lang.tr_args(
                "mail-post-result-subject",
                &[("code", motcua_i18n::Arg::from(code.clone()))],
            ),
            text: lang.tr_args(
                "mail-post-result-body",
                &[
                    ("name", motcua_i18n::Arg::from(user.full_name.clone())),
                    ("code", motcua_i18n::Arg::from(code)),
                    ("agency", motcua_i18n::Arg::from(agency.clone())),
                    (
                        "link",
                        motcua_i18n::Arg::from(svc.settings.link("/can-bo/buu-dien")),
                    ),
                ],
            ),
        };
        let key = format!(
            "dossier:{}:event:{}:post:{}",
            dossier.id, dossier.event_count, user.id
        );
        let job = message
            .job(key, now)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        svc.store.enqueue(job).await?;
    }
    Ok(())
}

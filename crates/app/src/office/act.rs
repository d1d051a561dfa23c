//! The actions officials take on a dossier: the domain decides whether the
//! law allows it and what it does to the clock; this room decides whether
//! *this official* may, in which role, and records it with the files they
//! attach (scans, the signed result), then tells the applicant and, on an
//! assignment, the specialist.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::calendar::{self, OfficeHours};
use motcua_domain::catalog::Procedure;
use motcua_domain::forms::{FieldProblem, Problem};
use motcua_domain::identity::PersonalNumber;
use motcua_domain::lifecycle::{
    Action, ActionKind, AgencyStep, Clockwork, Handover, LifecycleError, Recipient, Role,
};
use motcua_i18n::Arg;
use motcua_store::{Delivery, DossierId, DossierRecord, NewEvent, NewJob, UserId};

use super::scope::{self, Official, Seat};
use crate::accounts::{clean, language_of};
use crate::applicant::reason_text;
use crate::apply::{self, StoredFile};
use crate::outbox::EmailMessage;
use crate::{AppError, Services, notices};

/// The most items a supplement request lists.
pub const MAX_ITEMS: usize = 30;

/// An instant on a day as the office reads a date typed in a form: the end
/// of that day's office hours (a new date promised "by 12/03/2025").
pub fn end_of_office_day(day: NaiveDate, hours: &OfficeHours) -> DateTime<Utc> {
    calendar::to_utc(day.and_time(hours.closing()))
}

/// The office hours the dossier's clock counts with: its receiving unit's
/// (the receipt states the appointment in them).
pub async fn hours_of(svc: &Services, dossier: &DossierRecord) -> Result<OfficeHours, AppError> {
    Ok(match svc.store.agency(dossier.receiving_unit).await? {
        Some(a) => a.office_hours,
        None => OfficeHours::standard(),
    })
}

/// The catalog version a dossier follows (none if it was removed from the
/// catalog since).
pub async fn procedure_of(
    svc: &Services,
    dossier: &DossierRecord,
) -> Result<Option<Procedure>, AppError> {
    Ok(svc
        .store
        .procedure_in_force(&dossier.procedure_code, dossier.procedure_version)
        .await?
        .map(|v| v.procedure))
}

/// Cleans what the action carries (reasons, items, the assignee) and checks
/// what only the back office knows (who may be assigned).
async fn prepare(
    svc: &Services,
    official: &Official,
    dossier: &DossierRecord,
    seat: &Seat,
    action: Action,
) -> Result<Action, AppError> {
    let items_of = |items: Vec<String>| -> Result<Vec<String>, AppError> {
        let items: Vec<String> = items
            .iter()
            .flat_map(|i| i.lines())
            .map(|i| motcua_domain::text::nfc(i.trim()).into_owned())
            .filter(|i| !i.is_empty())
            .collect();
        if items.is_empty() {
            return Err(AppError::field("items", Problem::Required));
        }
        if items.len() > MAX_ITEMS || items.iter().any(|i| i.chars().count() > 500) {
            return Err(AppError::field("items", Problem::TooLong { max: 500 }));
        }
        Ok(items)
    };
    Ok(match action {
        Action::Assign { to } => {
            let to = match to.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                None => official.assignee_key(),
                Some(t) => t.to_owned(),
            };
            let user: UserId = to
                .parse()
                .map_err(|_| AppError::field("to", Problem::NotAnOption))?;
            let assignee = match svc.store.user(user).await? {
                Some(u) => Official::of(svc, u).await.ok(),
                None => None,
            };
            // Only a specialist of the deciding agency appraises.
            if !assignee.is_some_and(|a| a.holds(Role::Specialist, seat.deciding)) {
                return Err(AppError::field("to", Problem::NotAnOption));
            }
            Action::Assign { to: Some(to) }
        }
        Action::RequestReceptionSupplement { items, reason } => {
            Action::RequestReceptionSupplement {
                items: items_of(items)?,
                reason: reason_text("reason", &reason)?,
            }
        }
        Action::RequestAppraisalSupplement { items, reason } => {
            Action::RequestAppraisalSupplement {
                items: items_of(items)?,
                reason: reason_text("reason", &reason)?,
            }
        }
        Action::SendToAgency(handover) => {
            Action::SendToAgency(successors(svc, handover_of(handover)?).await?)
        }
        Action::CaptureData(document) => {
            Action::CaptureData(super::capture::document_of(document)?)
        }
        Action::ReturnFromAgency { agency } => Action::ReturnFromAgency {
            agency: answering_agency(svc, official, dossier, seat, agency).await?,
        },
        Action::ReturnResult { recipient } => Action::ReturnResult {
            recipient: recipient_of(dossier, recipient)?,
        },
        Action::RefuseAtReception { reason } => Action::RefuseAtReception {
            reason: reason_text("reason", &reason)?,
        },
        Action::SendBack { reason } => Action::SendBack {
            reason: reason_text("reason", &reason)?,
        },
        Action::Refuse { reason } => Action::Refuse {
            reason: reason_text("reason", &reason)?,
        },
        Action::Apologize { reason, new_due } => Action::Apologize {
            reason: reason_text("reason", &reason)?,
            new_due,
        },
        Action::Withdraw { reason } => Action::Withdraw {
            reason: reason_text("reason", &reason)?,
        },
        Action::RequestPayment { fees } => Action::RequestPayment {
            fees: crate::payments::assessed(procedure_of(svc, dossier).await?.as_ref(), fees)?,
        },
        Action::StopAtApplicantRequest { reason } => Action::StopAtApplicantRequest {
            reason: reason_text("reason", &reason)?,
        },
        Action::StopUnderSectorLaw { reason } => Action::StopUnderSectorLaw {
            reason: reason_text("reason", &reason)?,
        },
        Action::OpenCorrection { reason } => Action::OpenCorrection {
            reason: reason_text("reason", &reason)?,
        },
        other => other,
    })
}

/// A hand-over as typed: each agency named, each task a clean text.
fn handover_of(handover: Handover) -> Result<Handover, AppError> {
    if handover.steps.is_empty() {
        return Err(AppError::field("agency", Problem::Required));
    }
    let steps = handover
        .steps
        .into_iter()
        .map(|step| {
            let agency = step.agency.trim().to_owned();
            if agency.is_empty() {
                return Err(AppError::field("agency", Problem::Required));
            }
            Ok(AgencyStep {
                agency,
                task: reason_text("task", &step.task)?,
                time: step.time,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Handover::new(steps))
}

/// Each step goes to the agency that now does the work of the one named: a
/// unit merged into another hands its steps on.
async fn successors(svc: &Services, mut handover: Handover) -> Result<Handover, AppError> {
    for step in &mut handover.steps {
        if let Some(now) = apply::agency_now(svc, &step.agency).await? {
            step.agency = now.identifier.to_string();
        }
    }
    Ok(handover)
}

/// The agency whose step an answer closes. The deciding agency records
/// any step's answer (a body outside the system answers on paper); an
/// agency the dossier was sent to answers only its own step, which it need
/// not name.
async fn answering_agency(
    svc: &Services,
    official: &Official,
    dossier: &DossierRecord,
    seat: &Seat,
    named: Option<String>,
) -> Result<Option<String>, AppError> {
    let named = named.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
    if official.holds(Role::Specialist, seat.deciding) {
        return Ok(named);
    }
    let steps_held = seat
        .steps
        .iter()
        .copied()
        .filter(|id| official.holds(Role::Specialist, *id));
    let mine = scope::identifiers(svc, steps_held).await?;
    let open: Vec<&str> = dossier
        .state
        .open_steps
        .iter()
        .map(|s| s.agency.as_str())
        .filter(|a| mine.iter().any(|m| m == a))
        .collect();
    match (named, open.as_slice()) {
        (Some(agency), _) if open.contains(&agency.as_str()) => Ok(Some(agency)),
        (Some(_), _) => Err(AppError::field("agency", Problem::NotAnOption)),
        (None, [only]) => Ok(Some((*only).to_owned())),
        // Sent before steps were tracked: the one step there was.
        (None, []) if dossier.state.open_steps.is_empty() => Ok(None),
        (None, []) => Err(AppError::field("agency", Problem::NotAnOption)),
        (None, _) => Err(AppError::field("agency", Problem::Required)),
    }
}

/// Who received a result: required when it is handed over at the counter
/// (the receipt of form 01 is given back against it), checked when given.
fn recipient_of(
    dossier: &DossierRecord,
    given: Option<Recipient>,
) -> Result<Option<Recipient>, AppError> {
    let given = given.and_then(|r| {
        let name = clean(&r.name).unwrap_or_default();
        let identity = clean(&r.identity).unwrap_or_default();
        (!name.is_empty() || !identity.is_empty()).then_some(Recipient { name, identity })
    });
    let Some(r) = given else {
        if dossier.delivery == Delivery::Counter {
            return Err(AppError::Invalid(vec![
                FieldProblem {
                    field: "recipient_name".into(),
                    problem: Problem::Required,
                },
                FieldProblem {
                    field: "recipient_identity".into(),
                    problem: Problem::Required,
                },
            ]));
        }
        return Ok(None);
    };
    checked_recipient(r).map(Some)
}

/// Who received a result, checked: a name of at most 200 characters, and
/// the document shown — a CCCD checked as one, another (a passport) for
/// its shape. At the counter and by the post alike.
pub(crate) fn checked_recipient(given: Recipient) -> Result<Recipient, AppError> {
    let r = Recipient {
        name: clean(&given.name).unwrap_or_default(),
        identity: clean(&given.identity).unwrap_or_default(),
    };
    let mut problems = Vec::new();
    if r.name.is_empty() {
        problems.push(FieldProblem {
            field: "recipient_name".into(),
            problem: Problem::Required,
        });
    } else if r.name.chars().count() > 200 {
        problems.push(FieldProblem {
            field: "recipient_name".into(),
            problem: Problem::TooLong { max: 200 },
        });
    }
    // A CCCD is checked as one; another document (a passport) only for its
    // shape.
    let identity = if r.identity.chars().all(|c| c.is_ascii_digit()) && r.identity.len() == 12 {
        PersonalNumber::parse(&r.identity)
            .map(|n| n.as_str().to_owned())
            .map_err(Problem::Identity)
    } else if (6..=20).contains(&r.identity.len())
        && r.identity.chars().all(|c| c.is_ascii_alphanumeric())
    {
        Ok(r.identity.to_ascii_uppercase())
    } else if r.identity.is_empty() {
        Err(Problem::Required)
    } else {
        Err(Problem::NotAnOption)
    };
    let identity = match identity {
        Ok(i) => i,
        Err(problem) => {
            problems.push(FieldProblem {
                field: "recipient_identity".into(),
                problem,
            });
            String::new()
        }
    };
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    Ok(Recipient {
        name: r.name,
        identity,
    })
}

/// `official` takes `action` on dossier `id` at `now`, attaching `files`.
/// The role is the first of the action's roles the official holds where it
/// counts ([`Seat::role_for`]); someone who sees the dossier but holds none
/// is refused with the role they would need.
pub async fn act(
    svc: &Services,
    official: &Official,
    id: DossierId,
    action: Action,
    files: Vec<StoredFile>,
    now: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let (dossier, seat) = scope::visible(svc, official, id).await?;
    let kind = action.kind();
    let Some(role) = seat.role_for(official, kind) else {
        // Said in the role they act in here: "a specialist may not approve".
        let mut seated = vec![seat.receiving, seat.deciding];
        seated.extend(seat.steps.iter().copied());
        let theirs = official.roles_at(&seated).next().unwrap_or(Role::System);
        return Err(LifecycleError::RoleNotAllowed {
            action: kind,
            role: theirs,
        }
        .into());
    };
    let action = prepare(svc, official, &dossier, &seat, action).await?;
    let calendar = apply::work_calendar(svc).await?;
    let hours = hours_of(svc, &dossier).await?;
    let event = dossier.state.decide(
        action,
        role,
        now,
        Clockwork {
            calendar: &calendar,
            hours: &hours,
        },
    )?;
    let assigned = match &event.action {
        Action::Assign { to: Some(to) } if *to != official.assignee_key() => Some(to.clone()),
        _ => None,
    };
    let detail = event.action.text().map(str::to_owned);
    let attachments = files.into_iter().map(StoredFile::into_attachment).collect();
    let mut jobs = Vec::new();
    if let Some(to) = assigned {
        jobs.extend(assignment_mail(svc, official, &dossier, &to, now).await?);
    }
    let updated = svc
        .store
        .append_event(
            dossier.id,
            dossier.event_count,
            NewEvent {
                actor: Some(official.user.id),
                event,
                attachments,
                jobs,
            },
        )
        .await?;
    refund_if_ended(svc, &updated, kind, detail.as_deref(), now).await;
    if updated.state.stage != dossier.state.stage
        && let Err(e) = crate::postal::follow::result_ready(svc, &updated, now).await
    {
        // The action stands; the return officer still sees the result
        // waiting for the post.
        tracing::warn!(dossier = %updated.id, error = %e, "the post was not told of a result");
    }
    // The applicant hears of what changes for them: a new stage, or a new
    // date in an apology (not a digitised document, nor one of several
    // agencies answering).
    let tells = updated.state.stage != dossier.state.stage || kind == ActionKind::Apologize;
    if tells && let Some(procedure) = procedure_of(svc, &updated).await? {
        notices::stage_changed(
            svc,
            &updated,
            &procedure,
            updated.event_count,
            detail.as_deref(),
            now,
        )
        .await?;
    }
    Ok(updated)
}

/// Gives back the refundable fees of a dossier just refused or withdrawn.
/// The action stands whatever happens here: a refund that fails is logged
/// for the collecting agency to make by hand.
pub(crate) async fn refund_if_ended(
    svc: &Services,
    dossier: &DossierRecord,
    kind: ActionKind,
    reason: Option<&str>,
    now: DateTime<Utc>,
) {
    if !matches!(
        kind,
        ActionKind::Refuse | ActionKind::RefuseAtReception | ActionKind::Withdraw
    ) {
        return;
    }
    let reason = reason.unwrap_or("Hồ sơ không được giải quyết");
    if let Err(e) = crate::payments::refund_for(svc, dossier.id, reason, now).await {
        tracing::error!(dossier = %dossier.id, error = %e, "the fees of an ended dossier were not refunded");
    }
}

/// The mail telling a specialist a dossier was assigned to them (none when
/// their account has no e-mail address).
async fn assignment_mail(
    svc: &Services,
    by: &Official,
    dossier: &DossierRecord,
    to: &str,
    now: DateTime<Utc>,
) -> Result<Option<NewJob>, AppError> {
    let Ok(user) = to.parse::<UserId>() else {
        return Ok(None);
    };
    let Some(user) = svc.store.user(user).await? else {
        return Ok(None);
    };
    let Some(address) = user.email.clone() else {
        return Ok(None);
    };
    let lang = language_of(&user);
    let code = dossier.code.as_str().to_owned();
    let message = EmailMessage {
        to: address,
        subject: lang.tr_args(
            "mail-assigned-subject",
            &[("code", Arg::from(code.clone()))],
        ),
        text: lang.tr_args(
            "mail-assigned-body",
            &[
                ("name", Arg::from(user.full_name.clone())),
                ("by", Arg::from(by.user.full_name.clone())),
                ("code", Arg::from(code)),
                ("applicant", Arg::from(dossier.applicant.name.clone())),
                (
                    "link",
                    Arg::from(svc.settings.link(&format!("/can-bo/ho-so/{}", dossier.id))),
                ),
            ],
        ),
    };
    let key = format!(
        "dossier:{}:event:{}:assigned",
        dossier.id,
        dossier.event_count + 1
    );
    Ok(Some(
        message
            .job(key, now)
            .map_err(|e| AppError::Internal(e.to_string()))?,
    ))
}

//! Reorganisation: a system administrator merges a unit into another (two
//! communes become one, a department absorbs another). The merged unit
//! stays, with its history, and is marked merged; every dossier it still
//! has work on — as receiving unit, deciding agency or owner of an open
//! step — moves to the new unit with a transfer on its timeline (its clock,
//! its steps' due dates and its history unchanged); its officials keep
//! their roles there.

use chrono::{DateTime, Utc};
use motcua_domain::forms::Problem;
use motcua_domain::lifecycle::{Action, Clockwork, Role, StepMove};
use motcua_store::{
    Agency, AgencyId, DossierRecord, NewAuditEntry, NewEvent, QueueQuery, StoreError,
};
use serde_json::json;

use super::act::hours_of;
use super::{Official, system};
use crate::applicant::reason_text;
use crate::{AppError, Services, apply, notices};

/// Dossiers read per page.
const PAGE: u32 = 500;
/// How often a transfer is tried again when an official acted on the
/// dossier at the same moment.
const TRIES: usize = 3;

/// What a merger did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub from: Agency,
    pub into: Agency,
    /// Dossiers moved.
    pub dossiers: usize,
    /// Dossiers that could not be moved now (officials kept acting on them);
    /// asking again moves them.
    pub left: usize,
    /// Role grants moved.
    pub grants: usize,
}

/// Merges `from` into `into` for `reason` (the reorganisation decision).
/// Only a system administrator may; the province itself is not merged.
/// Asked again for the same pair, it moves whatever is left (after an
/// interruption) and changes nothing else.
pub async fn merge(
    svc: &Services,
    by: &Official,
    from: AgencyId,
    into: AgencyId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Merged, AppError> {
    if !by.has_role(Role::SystemAdmin) {
        return Err(AppError::NotFound("agency"));
    }
    let into = match svc.store.agency(into).await? {
        Some(a) if a.merged_into.is_none() => a,
        _ => return Err(AppError::field("into", Problem::NotAnOption)),
    };
    // A merger into the same agency again finishes one that was cut short.
    let mut from = match svc.store.agency(from).await? {
        Some(a) if a.merged_into.is_none_or(|m| m == into.id) => a,
        _ => return Err(AppError::field("from", Problem::NotAnOption)),
    };
    if from.id == into.id || from.parent.is_none() {
        return Err(AppError::field(
            if from.parent.is_none() {
                "from"
            } else {
                "into"
            },
            Problem::NotAnOption,
        ));
    }
    let reason = reason_text("reason", reason)?;
    // Marked and recorded first, so nothing new arrives while its dossiers
    // move and the decision is on record even if the move is cut short.
    if from.merged_into.is_none() {
        from.merged_into = Some(into.id);
        svc.store.update_agency(&from).await?;
        svc.store
            .audit(NewAuditEntry {
                at: now,
                actor: Some(by.user.id),
                action: "agency.merge".into(),
                subject: from.id.to_string(),
                details: json!({ "into": into.id.to_string(), "reason": reason }),
            })
            .await?;
    }
    let (dossiers, left) = move_dossiers(svc, by, &from, &into, &reason, now).await?;
    let grants = move_grants(svc, &from, &into, now).await?;
    Ok(Merged {
        from,
        into,
        dossiers,
        left,
        grants,
    })
}

/// The dossiers `from` receives, decides or owes an open step on, read
/// whole before any moves (a move takes a dossier out of the pages).
async fn pending(svc: &Services, from: &Agency) -> Result<Vec<DossierRecord>, AppError> {
    let found = system::whole_queue(svc, QueueQuery::of(vec![from.id], PAGE)).await?;
    Ok(found
        .into_iter()
        .filter(|d| {
            d.receiving_unit == from.id || d.deciding_agency == from.id || owes_step(d, from)
        })
        .collect())
}

/// Whether `agency` owes an answer to an open step of `dossier`.
fn owes_step(dossier: &DossierRecord, agency: &Agency) -> bool {
    let identifier = agency.identifier.as_str();
    dossier
        .state
        .open_steps
        .iter()
        .any(|s| s.agency == identifier)
}

/// The transfer that moves whatever `from` holds of `dossier` to `into`.
fn transfer(dossier: &DossierRecord, from: &Agency, into: &Agency, reason: &str) -> Action {
    let to = |current: AgencyId| (current == from.id).then(|| into.id.to_string());
    Action::Transfer {
        reason: reason.to_owned(),
        receiving_unit: to(dossier.receiving_unit),
        deciding_agency: to(dossier.deciding_agency),
        step: owes_step(dossier, from).then(|| StepMove {
            from: from.identifier.as_str().to_owned(),
            into: into.identifier.as_str().to_owned(),
        }),
    }
}

/// Moves every pending dossier of `from`: how many moved, and how many
/// were left (one that kept changing under the move, or that the law no
/// longer lets move) for a later attempt.
async fn move_dossiers(
    svc: &Services,
    by: &Official,
    from: &Agency,
    into: &Agency,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(usize, usize), AppError> {
    let calendar = apply::work_calendar(svc).await?;
    let (mut moved, mut left) = (0, 0);
    'dossiers: for mut dossier in pending(svc, from).await? {
        for attempt in 1..=TRIES {
            let hours = hours_of(svc, &dossier).await?;
            let Ok(event) = dossier.state.decide(
                transfer(&dossier, from, into, reason),
                Role::System,
                now.max(dossier.state.last_event_at),
                Clockwork {
                    calendar: &calendar,
                    hours: &hours,
                },
            ) else {
                left += 1;
                continue 'dossiers;
            };
            let written = svc
                .store
                .append_event(
                    dossier.id,
                    dossier.event_count,
                    NewEvent {
                        actor: Some(by.user.id),
                        event,
                        attachments: Vec::new(),
                        jobs: Vec::new(),
                    },
                )
                .await;
            match written {
                Ok(updated) => {
                    moved += 1;
                    if let Some(procedure) = super::act::procedure_of(svc, &updated).await? {
                        notices::stage_changed(
                            svc,
                            &updated,
                            &procedure,
                            updated.event_count,
                            Some(reason),
                            now,
                        )
                        .await?;
                    }
                    break;
                }
                Err(StoreError::Conflict { .. }) if attempt == TRIES => left += 1,
                // Someone acted meanwhile: read it again and retry.
                Err(StoreError::Conflict { .. }) => {
                    dossier = svc
                        .store
                        .dossier(dossier.id)
                        .await?
                        .ok_or(AppError::NotFound("dossier"))?;
                    // Finished meanwhile: it stays with its history.
                    if !dossier.state.in_office() {
                        break;
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok((moved, left))
}

/// Every role held at `from` is held at `into` from now on.
async fn move_grants(
    svc: &Services,
    from: &Agency,
    into: &Agency,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let grants = svc.store.grants_at(from.id).await?;
    for grant in &grants {
        svc.store
            .grant_role(grant.user, into.id, grant.role, now)
            .await?;
        svc.store
            .revoke_role(grant.user, from.id, grant.role)
            .await?;
    }
    Ok(grants.len())
}

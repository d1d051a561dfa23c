//! What motcua does to dossiers by itself (the `System` role): find the
//! open dossiers in some stages, and record an event decided for one,
//! telling its applicant. Used by the closure sweep and by calendar
//! changes.

use chrono::{DateTime, Utc};
use motcua_domain::lifecycle::{Event, Stage};
use motcua_store::{DossierRecord, NewEvent, QueueQuery, StoreError};

use crate::{AppError, Services, apply, notices};

/// Dossiers read per page.
const PAGE: u32 = 500;

/// Every dossier of the province in `stages`, read whole before anything
/// is written (writing reorders the queue, so paging while writing would
/// skip some).
pub async fn open_dossiers(
    svc: &Services,
    stages: &[Stage],
) -> Result<Vec<DossierRecord>, AppError> {
    let agencies: Vec<_> = apply::all_agencies(svc)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    whole_queue(
        svc,
        QueueQuery {
            stages: stages.to_vec(),
            ..QueueQuery::of(agencies, PAGE)
        },
    )
    .await
}

/// Every dossier `query` finds, page after page (its limit is the page
/// size, its offset ignored).
pub async fn whole_queue(
    svc: &Services,
    query: QueueQuery,
) -> Result<Vec<DossierRecord>, AppError> {
    let mut found = Vec::new();
    loop {
        let page = svc
            .store
            .office_queue(&QueueQuery {
                offset: u32::try_from(found.len()).unwrap_or(u32::MAX),
                ..query.clone()
            })
            .await?;
        let last = page.len() < query.limit as usize;
        found.extend(page);
        if last || query.limit == 0 {
            return Ok(found);
        }
    }
}

/// Appends `event` (decided by motcua on `dossier` as read) and tells the
/// applicant, with `detail` when given. `None` when someone acted on the
/// dossier meanwhile: the event was decided on a state that is gone.
pub async fn record(
    svc: &Services,
    dossier: &DossierRecord,
    event: Event,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<DossierRecord>, AppError> {
    let updated = match svc
        .store
        .append_event(
            dossier.id,
            dossier.event_count,
            NewEvent {
                actor: None,
                event,
                attachments: Vec::new(),
                jobs: Vec::new(),
            },
        )
        .await
    {
        Ok(updated) => updated,
        Err(StoreError::Conflict { .. }) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if let Some(v) = svc
        .store
        .procedure_in_force(&updated.procedure_code, updated.procedure_version)
        .await?
    {
        notices::stage_changed(
            svc,
            &updated,
            &v.procedure,
            updated.event_count,
            detail,
            now,
        )
        .await?;
    }
    Ok(Some(updated))
}

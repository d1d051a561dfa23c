//! The back office's plan for a dossier: the catalog's workflow steps, each
//! with when it should end if every step takes its allotted time, counted
//! from the entry on the receiving unit's calendar. Informational; the
//! legal due date is the dossier's clock.

use chrono::{DateTime, Utc};
use motcua_domain::catalog::{Procedure, Step};
use motcua_domain::lifecycle::Clockwork;
use motcua_store::DossierRecord;

use super::act::hours_of;
use crate::{AppError, Services, apply};

/// Each step of `procedure` with its planned end (none without steps).
pub async fn plan<'p>(
    svc: &Services,
    dossier: &DossierRecord,
    procedure: &'p Procedure,
) -> Result<Vec<(&'p Step, DateTime<Utc>)>, AppError> {
    if procedure.steps.is_empty() {
        return Ok(Vec::new());
    }
    let calendar = apply::work_calendar(svc).await?;
    let hours = hours_of(svc, dossier).await?;
    let ends = procedure.schedule(
        dossier.state.entered_at,
        Clockwork {
            calendar: &calendar,
            hours: &hours,
        },
    )?;
    Ok(procedure.steps.iter().zip(ends).collect())
}

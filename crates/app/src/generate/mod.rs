//! `motcua demo generate`: a realistic record of dossiers for training,
//! demonstrations and measuring, made by driving the domain on a simulated
//! clock. Each dossier enters through `Dossier::enter` and lives through
//! `Dossier::decide` ([`story`]), on the official calendar and the agencies'
//! office hours, and is written by [`Store::import_dossiers`] with the same
//! checks and hashes as a real one, many to a transaction — so the result
//! passes `motcua verify`.
//!
//! A run is deterministic: dossier `i` of a plan is made from its own seed,
//! so its id is known before it is made. A run that stops (interrupted, a
//! crash) is resumed by running the same plan again: the batches already
//! written are found by their last dossier and skipped. A different plan
//! (count, period or seed) makes different dossiers and adds them.
//!
//! Nothing is sent: generated dossiers queue no mail or SMS.

pub mod people;
mod plan;
pub mod story;
mod world;

pub use plan::{Plan, PlanProblem};

use chrono::{DateTime, Utc};
use motcua_store::{DossierId, ImportedDossier};

use crate::{AppError, Services};
use world::World;

/// Dossiers written per transaction.
pub const BATCH: u64 = 2_000;

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Report {
    /// Dossiers written by this run.
    pub written: u64,
    /// Dossiers an earlier run of the same plan had written already.
    pub already: u64,
    /// Events written by this run (entries included).
    pub events: u64,
}

/// The first day of the default period: 24 months before `to`, or the day
/// the catalog's first procedure came into force if that is later (no
/// dossier can be made for a procedure before it exists).
pub async fn default_from(
    svc: &Services,
    to: chrono::NaiveDate,
) -> Result<chrono::NaiveDate, AppError> {
    let two_years = to.checked_sub_months(chrono::Months::new(24)).unwrap_or(to);
    let earliest = svc
        .store
        .all_procedure_versions()
        .await?
        .iter()
        .map(|v| v.effective_from())
        .min();
    Ok(earliest.map_or(two_years, |e| e.max(two_years)))
}

/// Makes the plan's dossiers that are not there yet. `progress` hears how
/// many of the plan's dossiers exist after each batch.
pub async fn run(
    svc: &Services,
    plan: &Plan,
    now: DateTime<Utc>,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<Report, AppError> {
    let world = World::load(svc, plan, now).await?;
    let batches = plan.dossiers.div_ceil(BATCH);
    let first = first_missing_batch(svc, &world, batches).await?;
    let already = (first * BATCH).min(plan.dossiers);
    progress(already);
    let mut report = Report {
        already,
        ..Report::default()
    };
    // The next batch is made on another thread while this one is written.
    let world = std::sync::Arc::new(world);
    let make = |batch: u64| {
        let world = std::sync::Arc::clone(&world);
        tokio::task::spawn_blocking(move || {
            let start = batch * BATCH;
            let end = (start + BATCH).min(world.plan().dossiers);
            (start..end)
                .map(|i| world.dossier(i))
                .collect::<Result<Vec<ImportedDossier>, AppError>>()
        })
    };
    let mut next = (first < batches).then(|| make(first));
    for batch in first..batches {
        let Some(made) = next.take() else { break };
        let dossiers = made
            .await
            .map_err(|e| AppError::Internal(format!("generator thread: {e}")))??;
        if batch + 1 < batches {
            next = Some(make(batch + 1));
        }
        report.events += dossiers
            .iter()
            .map(|d| 1 + d.events.len() as u64)
            .sum::<u64>();
        report.written += svc.store.import_dossiers(dossiers).await? as u64;
        progress(((batch + 1) * BATCH).min(plan.dossiers));
    }
    if report.written > 0 {
        svc.store.refresh_planner_statistics().await?;
    }
    Ok(report)
}

/// The first batch whose last dossier is not in the store. Batches are
/// written in order, one transaction each, so the written ones are a prefix
/// and a binary search finds its end.
async fn first_missing_batch(svc: &Services, world: &World, batches: u64) -> Result<u64, AppError> {
    let written = async |batch: u64| -> Result<bool, AppError> {
        let last = ((batch + 1) * BATCH).min(world.plan().dossiers) - 1;
        let id: DossierId = world.id_of(last);
        Ok(svc.store.dossier(id).await?.is_some())
    };
    let (mut low, mut high) = (0, batches);
    while low < high {
        let mid = low + (high - low) / 2;
        if written(mid).await? {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    Ok(low)
}

//! The kept statistics: every dossier's contribution added up per cell and
//! day (and month) in the store, kept current, and a period's figures read
//! from those sums.
//!
//! The database marks a dossier for a recount in the transaction that
//! changes what the statistics read of it; [`catch_up`] recounts the
//! marked ones (every dossier when the catalog's levels and fees or the
//! official calendar changed) and the store swaps each old contribution
//! for the new in one transaction. A period then reads three sums per cell
//! and measure, whatever the number of dossiers: the stock open at its
//! first day, the stock's changes up to the day after its last, and the
//! flows of its days — months whole where the period covers them.

use std::collections::HashMap;

use motcua_domain::message::{Message, MessageArg};
use motcua_domain::statistics::Figures;
use motcua_domain::statistics::contribution::{
    self, Day, Delta, Measure, day_number, month_of, next_month,
};
use motcua_store::{CellKey, Grain, Page, Recount, StoreError, SumPart, Summed};

use super::{Reader, cell_key};
use crate::{AppError, Services};

/// How many dossiers are recounted in one transaction.
const BATCH: u32 = 1000;

/// How far a catch-up got, for whoever waits on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub recounted: u64,
    /// Marked when the catch-up began (every dossier after a change of
    /// basis).
    pub marked: u64,
}

/// How far behind the kept sums are when they are read without waiting
/// for a recount that would take long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behind {
    /// More than this many dossiers changed since they were last counted.
    MoreThan(u64),
    /// Every dossier is being counted (anew): the sums were never kept
    /// (the first start of a release that keeps them) or how dossiers are
    /// counted changed (a new release, the catalog's levels or fees, the
    /// official calendar).
    Everything,
}

impl Message for Behind {
    fn message_key(&self) -> &'static str {
        match self {
            Behind::MoreThan(_) => "stats-behind-dossiers",
            Behind::Everything => "stats-behind-everything",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        match self {
            Behind::MoreThan(n) => vec![("count", MessageArg::Count(*n))],
            Behind::Everything => Vec::new(),
        }
    }
}

/// Recounts the dossiers marked since the kept sums were last brought up
/// to date — every dossier when their basis changed — and returns how many
/// it recounted. Marks made while it runs are left for the next catch-up,
/// so it ends however busy the system is.
pub async fn catch_up(svc: &Services, progress: impl FnMut(Progress)) -> Result<u64, AppError> {
    let mut reader = Reader::new(svc).await?;
    let basis = reader.basis()?;
    let marked = mark(svc, &basis).await?;
    recount(svc, &mut reader, &basis, marked, progress).await
}

/// Brings the kept sums up to date when at most `most` dossiers are to be
/// recounted, and otherwise says how far behind they are, leaving the
/// recount to the server's keeper (or a `motcua report`): a page must not
/// wait an hour for the recount of ten million dossiers after an upgrade.
/// What it asks the store is bounded by `most`, however far behind.
pub async fn catch_up_within(svc: &Services, most: u64) -> Result<Option<Behind>, AppError> {
    let store = &svc.store;
    let limit = u32::try_from(most.saturating_add(1)).unwrap_or(u32::MAX);
    let mut reader = Reader::new(svc).await?;
    let basis = reader.basis()?;
    if store.statistics_basis().await?.as_deref() != Some(basis.as_str()) {
        // Every dossier is to be counted anew: quick only on a small
        // record.
        let some = store.dossier_ids(Page::first(limit)).await?;
        if some.len() as u64 > most {
            return Ok(Some(Behind::Everything));
        }
        mark(svc, &basis).await?;
    }
    let waiting = store.marked_for_recount(limit).await?.len() as u64;
    if waiting > most {
        return Ok(Some(Behind::MoreThan(most)));
    }
    // At most `most`, even if many more are marked meanwhile.
    recount(svc, &mut reader, &basis, waiting, |_| {}).await?;
    Ok(None)
}

/// Marks every dossier for a recount if the kept sums are on another
/// basis than `basis`, and returns how many are marked.
async fn mark(svc: &Services, basis: &str) -> Result<u64, AppError> {
    let store = &svc.store;
    if store.statistics_basis().await?.as_deref() != Some(basis) {
        store.recount_everything(basis).await?;
    }
    Ok(store.recount_backlog().await?)
}

/// Recounts up to `marked` marked dossiers, oldest mark first, on `basis`
/// (which the kept sums are on), and returns how many it recounted.
async fn recount(
    svc: &Services,
    reader: &mut Reader,
    basis: &str,
    marked: u64,
    mut progress: impl FnMut(Progress),
) -> Result<u64, AppError> {
    let store = &svc.store;
    let mut done = Progress {
        recounted: 0,
        marked,
    };
    let mut read = 0u64;
    while read < marked {
        let left = u32::try_from(marked - read).unwrap_or(BATCH);
        let batch = store.marked_for_recount(BATCH.min(left)).await?;
        if batch.is_empty() {
            break;
        }
        read += batch.len() as u64;
        // Office hours are read afresh for each batch, after its marks: a
        // change of hours since marks them again.
        reader.hours.clear();
        let ids: Vec<_> = batch.iter().map(|m| m.dossier).collect();
        let mut found: HashMap<_, _> = store
            .counted_dossiers_by_id(&ids)
            .await?
            .into_iter()
            .map(|c| (c.record.id, c))
            .collect();
        let mut recounts = Vec::with_capacity(batch.len());
        for marked in batch {
            let contribution = match found.remove(&marked.dossier) {
                Some(counted) => {
                    let facts = reader.facts(svc, &counted).await?;
                    let deltas = contribution::contribution(&counted.record.state, &facts);
                    Some((cell_key(&counted), deltas))
                }
                None => None,
            };
            recounts.push(Recount {
                marked,
                contribution,
            });
        }
        match store.recount(basis, &recounts).await {
            Ok(n) => done.recounted += u64::from(n),
            // Another node found a new basis and counts everything on it:
            // what this one counted is on the old one, and was not kept.
            Err(StoreError::Conflict { .. }) => break,
            Err(e) => return Err(e.into()),
        }
        progress(done);
    }
    Ok(done.recounted)
}

/// The figures of the whole days `first..=last`, per cell, from the kept
/// sums.
pub async fn figures(
    svc: &Services,
    first: Day,
    last: Day,
) -> Result<Vec<(CellKey, Figures)>, AppError> {
    let (stock, flows): (Vec<Measure>, Vec<Measure>) =
        Measure::ALL.into_iter().partition(|m| m.is_stock());
    let origin = day_number(chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default());
    // `figures_from` reads a stock measure's deltas up to `first` and up to
    // `last + 1`, and a flow's from `first` to `last`: one delta of each
    // sum on those days gives it the same figures as every dossier's.
    let wanted = [
        (origin, first, &stock, first),
        (first + 1, last + 1, &stock, last + 1),
        (first, last, &flows, first),
    ];
    // Each range is read as its whole months and its days at either end,
    // every piece from one snapshot.
    let mut parts = Vec::new();
    let mut days = Vec::new();
    for (from, to, measures, day) in wanted {
        for (from, to, grain) in pieces(from, to) {
            parts.push(SumPart {
                from,
                to,
                grain,
                measures: measures.clone(),
            });
            days.push(day);
        }
    }
    let read: Vec<Vec<Summed>> = svc.store.summed(&parts).await?;
    let mut deltas: HashMap<CellKey, Vec<Delta>> = HashMap::new();
    for (sums, day) in read.into_iter().zip(days) {
        for summed in sums {
            deltas.entry(summed.cell).or_default().push(Delta {
                day,
                measure: summed.measure,
                n: summed.n,
            });
        }
    }
    Ok(deltas
        .into_iter()
        .map(|(cell, deltas)| (cell, contribution::figures_from(&deltas, first, last)))
        .collect())
}

/// `from..=to` as day ranges and one range of whole months (given by their
/// first days).
fn pieces(from: Day, to: Day) -> Vec<(Day, Day, Grain)> {
    if from > to {
        return Vec::new();
    }
    let whole_from = if month_of(from) == from {
        from
    } else {
        next_month(from)
    };
    // The first day of the month after the last whole one.
    let whole_until = if next_month(to) == to + 1 {
        to + 1
    } else {
        month_of(to)
    };
    if whole_from >= whole_until {
        return vec![(from, to, Grain::Day)];
    }
    let mut out = Vec::new();
    if from < whole_from {
        out.push((from, whole_from - 1, Grain::Day));
    }
    out.push((whole_from, month_of(whole_until - 1), Grain::Month));
    if whole_until <= to {
        out.push((whole_until, to, Grain::Day));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> Day {
        day_number(NaiveDate::from_ymd_opt(y, m, day).unwrap())
    }

    #[test]
    fn a_range_reads_whole_months_from_the_month_sums_and_its_ends_by_day() {
        // 15/12/2025–14/06/2026, the first half under the 15th cut-off.
        assert_eq!(
            pieces(d(2025, 12, 15), d(2026, 6, 14)),
            vec![
                (d(2025, 12, 15), d(2025, 12, 31), Grain::Day),
                (d(2026, 1, 1), d(2026, 5, 1), Grain::Month),
                (d(2026, 6, 1), d(2026, 6, 14), Grain::Day),
            ]
        );
        // Whole months only.
        assert_eq!(
            pieces(d(2026, 1, 1), d(2026, 3, 31)),
            vec![(d(2026, 1, 1), d(2026, 3, 1), Grain::Month)]
        );
        // Within one month, or across two with neither whole.
        assert_eq!(
            pieces(d(2026, 2, 3), d(2026, 2, 20)),
            vec![(d(2026, 2, 3), d(2026, 2, 20), Grain::Day)]
        );
        assert_eq!(
            pieces(d(2026, 1, 20), d(2026, 2, 10)),
            vec![(d(2026, 1, 20), d(2026, 2, 10), Grain::Day)]
        );
        assert_eq!(pieces(d(2026, 2, 3), d(2026, 2, 2)), vec![]);
    }

    #[test]
    fn the_pieces_cover_every_day_once() {
        for (from, to) in [
            (d(1900, 1, 1), d(2026, 3, 17)),
            (d(2024, 2, 29), d(2025, 3, 1)),
        ] {
            let mut next = from;
            for (a, b, grain) in pieces(from, to) {
                assert_eq!(a, next);
                next = match grain {
                    Grain::Day => b + 1,
                    Grain::Month => next_month(b),
                };
            }
            assert_eq!(next, to + 1);
        }
    }
}

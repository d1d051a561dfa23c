//! `verify`: every dossier's chain and replay, and the audit chain,
//! walked through the [`Store`] API so it works on any engine.

use std::sync::Arc;

use crate::Store;
use crate::error::{StoreError, StoreResult};
use crate::hash::{AuditFields, Hash, audit_hash};
use crate::ids::{DossierId, UserId};
use crate::model::Page;
use crate::timeline::{self, Defect};

/// A dossier that failed verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenDossier {
    pub id: DossierId,
    /// Its code, for the person reading the report.
    pub code: String,
    pub defects: Vec<Defect>,
}

/// What `verify` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub dossiers: u64,
    pub events: u64,
    pub audit_entries: u64,
    pub broken: Vec<BrokenDossier>,
    /// Audit entries whose hash or link is wrong, by sequence number.
    pub broken_audit: Vec<u64>,
}

impl Report {
    pub fn is_ok(&self) -> bool {
        self.broken.is_empty() && self.broken_audit.is_empty()
    }
}

/// Reads and checks one dossier: its code (as far as it can be read), its
/// defects and how many events it has. A row that cannot be read is itself
/// a defect, so every broken dossier is named and the walk goes on.
async fn check_one(store: &dyn Store, id: DossierId) -> (String, Vec<Defect>, u64) {
    let unreadable = |e: crate::StoreError| vec![Defect::Unreadable(e.to_string())];
    let record = match store.dossier(id).await {
        Ok(Some(record)) => record,
        Ok(None) => return (String::new(), Vec::new(), 0),
        Err(e) => return ("?".into(), unreadable(e), 0),
    };
    let code = record.code.to_string();
    let events = match store.events(id).await {
        Ok(events) => events,
        Err(e) => return (code, unreadable(e), 0),
    };
    let attachments = match store.attachments(id).await {
        Ok(attachments) => attachments,
        Err(e) => return (code, unreadable(e), events.len() as u64),
    };
    let defects = timeline::check(&record, &events, &attachments);
    (code, defects, events.len() as u64)
}

/// A dossier being written while it is read can look broken for a moment
/// (its row and its events read apart): it is read again before it is
/// called broken.
async fn check_twice(store: &dyn Store, id: DossierId) -> (String, Vec<Defect>, u64) {
    let found = check_one(store, id).await;
    if found.1.is_empty() {
        return found;
    }
    check_one(store, id).await
}

/// Checks the dossiers with ids after `after` through the last of `ids`,
/// read whole by range. One that looks broken is read again alone before
/// it is called broken (the range read was its first reading); a range that
/// cannot be read is read a dossier at a time, so every unreadable one is
/// named and the walk goes on.
async fn check_range(
    store: &dyn Store,
    after: Option<DossierId>,
    ids: &[DossierId],
) -> Vec<(DossierId, (String, Vec<Defect>, u64))> {
    let Some(&through) = ids.last() else {
        return Vec::new();
    };
    let mut found = Vec::with_capacity(ids.len());
    match store.whole_dossiers(after, through).await {
        Ok(wholes) => {
            for w in wholes {
                let defects = timeline::check(&w.record, &w.events, &w.attachments);
                let checked = if defects.is_empty() {
                    (w.record.code.to_string(), defects, w.events.len() as u64)
                } else {
                    check_one(store, w.record.id).await
                };
                found.push((w.record.id, checked));
            }
        }
        Err(_) => {
            for &id in ids {
                found.push((id, check_twice(store, id).await));
            }
        }
    }
    found
}

/// Dossiers read per page.
const PAGE: u32 = 1000;

/// Tasks a page is shared among. Reading a dossier back (decompressing,
/// decoding, hashing its events) and replaying it costs far more than the
/// query, so one task would keep one core busy and leave the others idle.
const WORKERS: usize = 8;

/// Checks every dossier and the audit log. `progress` is told how many
/// dossiers have been checked so far.
pub async fn verify(
    store: Arc<dyn Store>,
    mut progress: impl FnMut(u64) + Send,
) -> StoreResult<Report> {
    let mut report = Report::default();
    let mut page = Page::first(PAGE);
    loop {
        let ids = store.dossier_ids(page).await?;
        let Some(last) = ids.last().copied() else {
            break;
        };
        let share = ids.len().div_ceil(WORKERS);
        let mut from = page.after;
        let workers: Vec<_> = ids
            .chunks(share)
            .map(|part| {
                let (store, part, after) = (Arc::clone(&store), part.to_vec(), from);
                from = part.last().copied();
                tokio::spawn(async move { check_range(store.as_ref(), after, &part).await })
            })
            .collect();
        // Joined in order, so the report lists dossiers as they are stored.
        for worker in workers {
            let found = worker
                .await
                .map_err(|e| StoreError::Database(format!("a verification task failed: {e}")))?;
            for (id, (code, defects, events)) in found {
                report.dossiers += 1;
                report.events += events;
                if !defects.is_empty() {
                    report.broken.push(BrokenDossier { id, code, defects });
                }
            }
        }
        progress(report.dossiers);
        page.after = Some(last);
    }
    let mut after: Option<u64> = None;
    let mut prev = Hash::GENESIS;
    let mut expected_seq = 1;
    loop {
        let entries = match store.audit_entries(after, 1000).await {
            Ok(entries) => entries,
            Err(_) => {
                // A page that cannot be read: name its first entry and go on
                // one entry at a time past it.
                let next = after.map_or(1, |a| a + 1);
                report.broken_audit.push(next);
                after = Some(next);
                if store
                    .audit_entries(after, 1)
                    .await
                    .map(|e| e.is_empty())
                    .unwrap_or(false)
                {
                    break;
                }
                continue;
            }
        };
        let Some(last) = entries.last().map(|e| e.seq) else {
            break;
        };
        for e in entries {
            report.audit_entries += 1;
            let recomputed = audit_hash(&AuditFields {
                seq: e.seq,
                at: e.at,
                actor: e.actor.map(UserId::uuid),
                action: &e.action,
                subject: &e.subject,
                details: &e.details,
                prev: &e.prev_hash,
            });
            if e.seq != expected_seq || e.prev_hash != prev || recomputed != e.hash {
                report.broken_audit.push(e.seq);
            }
            prev = e.hash;
            expected_seq = e.seq + 1;
        }
        after = Some(last);
    }
    Ok(report)
}

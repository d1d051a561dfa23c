//! `verify`: every dossier's chain and replay, and the audit chain,
//! walked through the [`Store`] API so it works on any engine.

use crate::Store;
use crate::error::StoreResult;
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

/// Checks every dossier and the audit log. `progress` is told how many
/// dossiers have been checked so far.
pub async fn verify(
    store: &dyn Store,
    mut progress: impl FnMut(u64) + Send,
) -> StoreResult<Report> {
    let mut report = Report::default();
    let mut page = Page::first(500);
    loop {
        let ids = store.dossier_ids(page).await?;
        let Some(last) = ids.last().copied() else {
            break;
        };
        for id in ids {
            let Some(record) = store.dossier(id).await? else {
                continue;
            };
            let events = store.events(id).await?;
            report.dossiers += 1;
            report.events += events.len() as u64;
            let defects = timeline::check(&record, &events);
            if !defects.is_empty() {
                report.broken.push(BrokenDossier {
                    id,
                    code: record.code.to_string(),
                    defects,
                });
            }
            progress(report.dossiers);
        }
        page.after = Some(last);
    }
    let mut after = None;
    let mut prev = Hash::GENESIS;
    let mut expected_seq = 1;
    loop {
        let entries = store.audit_entries(after, 1000).await?;
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

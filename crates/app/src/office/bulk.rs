//! Actions on many dossiers at once, from the queue: accepting a morning's
//! online dossiers, or taking several up for appraisal. Each dossier goes
//! through the same use case as one acted on from its page; one refused
//! does not stop the others, and each says why.

use chrono::{DateTime, Utc};
use motcua_domain::lifecycle::Action;
use motcua_store::{DossierId, DossierRecord};

use super::act::act;
use super::scope::Official;
use crate::{AppError, Services};

/// What makes sense in bulk: actions that need no input of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    /// Accept (the receipt's appointment computed for each).
    Accept,
    /// Take up for appraisal, assigned to the official acting.
    TakeUp,
}

impl BulkAction {
    pub fn key(self) -> &'static str {
        match self {
            BulkAction::Accept => "accept",
            BulkAction::TakeUp => "take-up",
        }
    }

    pub fn from_key(key: &str) -> Option<BulkAction> {
        [BulkAction::Accept, BulkAction::TakeUp]
            .into_iter()
            .find(|a| a.key() == key)
    }

    fn action(self, official: &Official) -> Action {
        match self {
            BulkAction::Accept => Action::Accept,
            BulkAction::TakeUp => Action::Assign {
                to: Some(official.assignee_key()),
            },
        }
    }
}

/// At most this many dossiers in one request (a page of the queue).
pub const MAX_BULK: usize = 100;

/// What happened to one dossier.
#[derive(Debug)]
pub struct BulkResult {
    pub id: DossierId,
    /// Its code, when the official may see it.
    pub code: Option<String>,
    pub outcome: Result<DossierRecord, AppError>,
}

/// Takes `action` on each of `ids` (duplicates once, at most
/// [`MAX_BULK`]), in order.
pub async fn bulk(
    svc: &Services,
    official: &Official,
    ids: &[DossierId],
    action: BulkAction,
    now: DateTime<Utc>,
) -> Vec<BulkResult> {
    let mut seen = Vec::new();
    let mut results = Vec::new();
    for id in ids.iter().copied() {
        if seen.contains(&id) || seen.len() == MAX_BULK {
            continue;
        }
        seen.push(id);
        let outcome = act(svc, official, id, action.action(official), Vec::new(), now).await;
        // `act` sees the dossier first: any refusal but "not found" means
        // the official may see it, and its code is worth naming.
        let code = match &outcome {
            Ok(dossier) => Some(dossier.code.as_str().to_owned()),
            Err(AppError::NotFound(_)) => None,
            Err(_) => svc
                .store
                .dossier(id)
                .await
                .ok()
                .flatten()
                .map(|d| d.code.as_str().to_owned()),
        };
        results.push(BulkResult { id, code, outcome });
    }
    results
}

//! What the statistics read about a dossier: its record and what was
//! recorded about it elsewhere.

use chrono::{DateTime, Utc};

use super::dossier::DossierRecord;
use super::portal::Satisfaction;

/// A dossier that counts in a reporting period, with the facts the
/// indicators need beyond its state.
#[derive(Debug, Clone, PartialEq)]
pub struct CountedDossier {
    pub record: DossierRecord,
    /// How many documents of it were digitised (captured) by an official.
    pub digitised: u32,
    /// Its applicant's overall rating, if given.
    pub rating: Option<Satisfaction>,
    /// A payment covering it was settled (payments are made online).
    pub paid_online: bool,
}

/// The instants a reporting period spans, `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

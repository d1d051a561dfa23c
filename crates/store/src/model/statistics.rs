//! What the statistics read about a dossier: its record and what was
//! recorded about it elsewhere.

use chrono::{DateTime, Utc};

use motcua_domain::regime::EvaluationId;
use motcua_domain::statistics::contribution::{Day, Delta, Measure};

use super::dossier::DossierRecord;
use super::portal::Satisfaction;
use crate::{AgencyId, DossierId};

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

/// The figures' cell a dossier's contribution is kept in: the agency that
/// decides it, its procedure and the evaluation rules it falls under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellKey {
    pub agency: AgencyId,
    pub procedure: String,
    pub evaluation: EvaluationId,
}

/// A dossier whose contribution must be counted again. The mark is new on
/// every change of what the statistics read about the dossier, so a
/// recount made from an older reading is known by its mark and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marked {
    pub dossier: DossierId,
    pub mark: i64,
}

/// What a marked dossier adds to the statistics now: `None` when it adds
/// nothing (or no longer exists).
#[derive(Debug, Clone, PartialEq)]
pub struct Recount {
    pub marked: Marked,
    pub contribution: Option<(CellKey, Vec<Delta>)>,
}

/// How finely a sum of deltas is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    /// Each day's deltas.
    Day,
    /// Each month's deltas together, on the day number of its first day.
    Month,
}

/// The sum of one measure's deltas in a cell over some days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summed {
    pub cell: CellKey,
    pub measure: Measure,
    pub n: i64,
}

/// Which sums to read: those of `measures` over the days `from..=to`. At
/// [`Grain::Month`] both are the first days of months, and the months they
/// start are summed whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SumPart {
    pub from: Day,
    pub to: Day,
    pub grain: Grain,
    pub measures: Vec<Measure>,
}

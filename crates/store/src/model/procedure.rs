use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::calendar::Period;
use serde_json::Value;

use crate::ids::AgencyId;

/// One version of an administrative procedure, in force from
/// `effective_from` until the next version's date. A dossier keeps the
/// version in force when it entered.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureVersion {
    /// The procedure's code in the national database (e.g. `1.001193`).
    pub code: String,
    pub effective_from: NaiveDate,
    /// The agency that decides (the competent agency).
    pub agency: AgencyId,
    pub name: String,
    pub processing_time: Period,
    /// Everything else of the catalog entry (fees, documents, form fields,
    /// steps), as the catalog issue defines it.
    pub spec: Value,
    pub updated_at: DateTime<Utc>,
}

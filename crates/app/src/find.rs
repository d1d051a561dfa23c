//! Finding a procedure: the catalog as it stands today, searched by name or
//! code with diacritics and case ignored, filtered by field and level, a
//! page at a time. The portal's search page and the API both ask here.

use chrono::{DateTime, Utc};
use motcua_domain::calendar;
use motcua_domain::catalog::{Procedure, ServiceLevel};
use motcua_store::ProcedureQuery;

use crate::{AppError, Services};

/// Results per page.
pub const PAGE_SIZE: u32 = 20;
/// The last page one may ask for.
pub const MAX_PAGE: u32 = 500;

/// A search, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// Words of the name, or a code; blank for everything.
    pub text: String,
    /// A field (*lĩnh vực*) exactly as the catalog writes it; blank for any.
    pub field: String,
    pub level: Option<ServiceLevel>,
    /// From 1; out-of-range pages are brought into range.
    pub page: u32,
}

/// A page of results.
#[derive(Debug, Clone)]
pub struct Found {
    pub procedures: Vec<Procedure>,
    pub page: u32,
    /// Whether a next page exists.
    pub more: bool,
    /// Every field of the catalog in force, for the filter.
    pub fields: Vec<String>,
}

/// Searches the catalog in force on the day of `now` (in Vietnam).
pub async fn search(
    svc: &Services,
    search: &Search,
    now: DateTime<Utc>,
) -> Result<Found, AppError> {
    let today = calendar::to_local(now).date();
    let page = search.page.clamp(1, MAX_PAGE);
    let text = search.text.trim();
    let field = search.field.trim();
    let query = ProcedureQuery {
        text: (!text.is_empty()).then(|| text.to_owned()),
        field: (!field.is_empty()).then(|| field.to_owned()),
        level: search.level,
        competent: None,
        on: today,
        // One more than shown tells whether there is a next page.
        limit: PAGE_SIZE + 1,
        offset: (page - 1) * PAGE_SIZE,
    };
    let mut found = svc.store.search_procedures(&query).await?;
    let more = found.len() > PAGE_SIZE as usize;
    found.truncate(PAGE_SIZE as usize);
    Ok(Found {
        procedures: found.into_iter().map(|v| v.procedure).collect(),
        page,
        more,
        fields: svc.store.procedure_fields(today).await?,
    })
}

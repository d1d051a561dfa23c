//! Finding a procedure: the search (diacritics and case ignored; filters
//! by field, level and agency) and the page that tells a citizen
//! everything before applying.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use motcua_app::find;
use motcua_domain::calendar;
use motcua_domain::catalog::{Competent, Procedure, ServiceLevel};
use serde::Deserialize;

use super::words;
use crate::error::WebError;
use crate::extract::Query;
use crate::page::{PageCtx, render};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    page: Option<u32>,
}

/// One line of the results.
pub(crate) struct Row {
    code: String,
    name: String,
    field: String,
    level: String,
    time: String,
    online: bool,
}

#[derive(Template)]
#[template(path = "portal/search.html")]
struct SearchPage {
    ctx: PageCtx,
    q: String,
    field: String,
    level: String,
    fields: Vec<String>,
    levels: Vec<(&'static str, String)>,
    rows: Vec<Row>,
    page: u32,
    more: bool,
    searched: bool,
}

impl SearchPage {
    /// The link to another page of the same search.
    fn page_href(&self, page: u32) -> String {
        use crate::lang::percent_encode as enc;
        format!(
            "/thu-tuc?q={}&field={}&level={}&page={page}",
            enc(&self.q),
            enc(&self.field),
            enc(&self.level)
        )
    }
}

pub(crate) fn row(lang: motcua_i18n::Lang, p: &Procedure) -> Row {
    Row {
        code: p.code.clone(),
        name: words::procedure_name(lang, p),
        field: p.field.clone(),
        level: words::level(lang, p.level),
        time: words::period(lang, p.processing_time),
        online: p.level.online(),
    }
}

/// `GET /thu-tuc`: the catalog, searched.
pub(crate) async fn search(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(params): Query<SearchParams>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let found = find::search(
        svc,
        &find::Search {
            text: params.q.clone(),
            field: params.field.clone(),
            level: ServiceLevel::from_key(&params.level),
            page: params.page.unwrap_or(1),
        },
        chrono::Utc::now(),
    )
    .await?;
    let lang = ctx.lang();
    let rows = found.procedures.iter().map(|p| row(lang, p)).collect();
    let text = params.q.trim().to_owned();
    let levels = ["partial", "full", "information"]
        .into_iter()
        .map(|k| (k, lang.tr(&format!("level-{k}"))))
        .collect();
    let searched = !text.is_empty() || !params.field.is_empty() || !params.level.is_empty();
    let page_view = SearchPage {
        ctx,
        q: text,
        field: params.field,
        level: params.level,
        fields: found.fields,
        levels,
        rows,
        page: found.page,
        more: found.more,
        searched,
    };
    render(lang, StatusCode::OK, &page_view)
}

fn app(e: motcua_store::StoreError) -> WebError {
    WebError::from(motcua_app::AppError::from(e))
}

/// A required document, in words.
struct DocumentView {
    name: String,
    form: String,
    sets: u8,
    required: bool,
    note: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/procedure.html")]
struct ProcedurePage {
    ctx: PageCtx,
    code: String,
    name: String,
    field: String,
    level: String,
    online: bool,
    by_post: bool,
    competent: String,
    time: String,
    fees: Vec<(String, String, Option<String>)>,
    documents: Vec<DocumentView>,
    legal_basis: Vec<String>,
    result: String,
    verified: bool,
    effective_from: String,
}

/// `GET /thu-tuc/{code}`: everything a citizen needs before applying.
pub(crate) async fn procedure(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let today = calendar::to_local(chrono::Utc::now()).date();
    let version = svc
        .store
        .procedure_in_force(&code, today)
        .await
        .map_err(app)?
        .ok_or_else(|| WebError::from(motcua_app::AppError::NotFound("procedure")))?;
    let p = &version.procedure;
    let lang = ctx.lang();
    let agency_name = match &p.competent {
        Competent::Agency(id) => svc
            .store
            .agency_by_identifier(id)
            .await
            .map_err(app)?
            .map(|a| a.name),
        Competent::Level(_) => None,
    };
    let page = ProcedurePage {
        code: p.code.clone(),
        name: words::procedure_name(lang, p),
        field: p.field.clone(),
        level: words::level(lang, p.level),
        online: p.level.online(),
        by_post: p.by_post,
        competent: words::competent(lang, &p.competent, agency_name.as_deref()),
        time: words::period(lang, p.processing_time),
        fees: p
            .fees
            .iter()
            .map(|f| (f.name.clone(), words::vnd(f.amount_vnd), f.note.clone()))
            .collect(),
        documents: p
            .documents
            .iter()
            .map(|d| DocumentView {
                name: d.name.clone(),
                form: words::document_form(lang, d.form),
                sets: d.sets,
                required: d.required,
                note: d.note.clone(),
            })
            .collect(),
        legal_basis: p.legal_basis.clone(),
        result: p.result.clone(),
        verified: p.status == motcua_domain::catalog::EntryStatus::Verified,
        effective_from: p.effective_from.format("%d/%m/%Y").to_string(),
        ctx,
    };
    render(lang, StatusCode::OK, &page)
}

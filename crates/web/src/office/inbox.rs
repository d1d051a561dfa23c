//! `GET /can-bo`: the official's queue — most urgent first, with how many
//! are overdue or due within a working day, narrowed by stage, by "mine",
//! by urgency, or found by code, identity number or name.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use motcua_app::office::inbox::{self, Filter};
use motcua_domain::lifecycle::Stage;
use serde::Deserialize;

use crate::error::WebError;
use crate::page::{PageCtx, render};
use crate::portal::words;
use crate::state::AppState;
use crate::visitor::OfficialVisitor;

/// The stages an official can narrow the queue to.
const STAGES: [Stage; 10] = [
    Stage::AwaitingReception,
    Stage::ReceptionSupplement,
    Stage::Accepted,
    Stage::InProcess,
    Stage::AtOtherAgency,
    Stage::AwaitingApproval,
    Stage::AppraisalSupplement,
    Stage::AwaitingPayment,
    Stage::ResultReady,
    Stage::CorrectingResult,
];

#[derive(Debug, Default, Deserialize)]
pub(crate) struct InboxQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    giai_doan: String,
    #[serde(default)]
    cua_toi: Option<String>,
    #[serde(default)]
    gap: Option<String>,
    #[serde(default)]
    trang: Option<u32>,
}

/// A row of the queue.
pub(crate) struct Row {
    id: String,
    code: String,
    applicant: String,
    procedure: String,
    stage: String,
    due: Option<String>,
    /// `overdue`, `soon` or empty.
    urgency: &'static str,
}

#[derive(Template)]
#[template(path = "office/inbox.html")]
struct InboxPage {
    ctx: PageCtx,
    rows: Vec<Row>,
    open: u64,
    overdue: u64,
    due_soon: u64,
    q: String,
    stage: String,
    stages: Vec<(&'static str, String)>,
    mine: bool,
    urgent: bool,
    next: Option<String>,
    previous: Option<String>,
    handles_any: bool,
    /// They may take dossiers in at a counter (and accept online ones).
    takes_in: bool,
    /// They hand papers or results to the post, or work for it.
    posts: bool,
    /// They appraise somewhere (may take dossiers up).
    appraises: bool,
    /// They manage officials somewhere.
    manages: bool,
}

/// The queue's link for another page, keeping the filters.
fn page_link(query: &InboxQuery, page: u32) -> String {
    let mut parts = vec![format!("trang={page}")];
    if !query.q.is_empty() {
        parts.push(format!("q={}", crate::lang::percent_encode(&query.q)));
    }
    if !query.giai_doan.is_empty() {
        parts.push(format!(
            "giai_doan={}",
            crate::lang::percent_encode(&query.giai_doan)
        ));
    }
    if query.cua_toi.is_some() {
        parts.push("cua_toi=1".into());
    }
    if query.gap.is_some() {
        parts.push("gap=1".into());
    }
    format!("/can-bo?{}", parts.join("&"))
}

pub(crate) async fn page(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Query(query): Query<InboxQuery>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let now = Utc::now();
    let stage = STAGES.iter().copied().find(|s| s.key() == query.giai_doan);
    let filter = Filter {
        stages: stage.into_iter().collect(),
        mine: query.cua_toi.is_some(),
        urgent: query.gap.is_some(),
        search: Some(query.q.trim().to_owned()).filter(|q| !q.is_empty()),
        page: query.trang.unwrap_or(0),
    };
    let found = inbox::inbox(svc, &who.official, &filter, now).await?;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut rows = Vec::with_capacity(found.rows.len());
    for d in &found.rows {
        if !names.contains_key(&d.procedure_code) {
            let name =
                motcua_app::memo::shown_procedure(svc, &d.procedure_code, d.procedure_version)
                    .await?
                    .map_or_else(
                        || d.procedure_code.clone(),
                        |v| words::procedure_name(lang, &v.procedure),
                    );
            names.insert(d.procedure_code.clone(), name);
        }
        let due = d.columns.work_due;
        rows.push(Row {
            id: d.id.to_string(),
            code: d.code.as_str().to_owned(),
            applicant: d.applicant.name.clone(),
            procedure: names.get(&d.procedure_code).cloned().unwrap_or_default(),
            stage: words::stage(lang, d.state.stage),
            due: due.map(|t| ctx.instant(&t)),
            urgency: match due {
                Some(t) if t < now => "overdue",
                Some(t) if t < found.soon => "soon",
                _ => "",
            },
        });
    }
    let page = InboxPage {
        rows,
        open: found.counts.open,
        overdue: found.counts.overdue,
        due_soon: found.counts.due_soon,
        q: query.q.clone(),
        stage: stage.map(|s| s.key().to_owned()).unwrap_or_default(),
        stages: STAGES
            .iter()
            .map(|s| (s.key(), words::stage(lang, *s)))
            .collect(),
        mine: filter.mine,
        urgent: filter.urgent,
        next: found.has_more.then(|| page_link(&query, found.page + 1)),
        previous: (found.page > 0).then(|| page_link(&query, found.page - 1)),
        handles_any: !who.official.handling_agencies().is_empty(),
        takes_in: who
            .official
            .has_role(motcua_domain::lifecycle::Role::ReceptionOfficer),
        posts: [
            motcua_domain::lifecycle::Role::PostalWorker,
            motcua_domain::lifecycle::Role::ReceptionOfficer,
            motcua_domain::lifecycle::Role::ReturnOfficer,
        ]
        .into_iter()
        .any(|r| who.official.has_role(r)),
        appraises: who
            .official
            .has_role(motcua_domain::lifecycle::Role::Specialist),
        manages: who
            .official
            .has_role(motcua_domain::lifecycle::Role::SystemAdmin)
            || who
                .official
                .has_role(motcua_domain::lifecycle::Role::AgencyAdmin),
        ctx,
    };
    render(lang, StatusCode::OK, &page)
}

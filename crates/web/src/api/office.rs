//! The back office for programs: an official's queue and the actions on a
//! dossier, the same use cases as the `/can-bo` pages, with `Bearer`
//! tokens (no cookies, so no CSRF token). A dossier the official may not
//! see is 404; an action their roles or the law do not allow is 409 with
//! the reason.

use std::collections::BTreeMap;

use axum::extract::{FromRequestParts, Multipart, Path, State};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use motcua_app::office::bulk::{self, BulkAction};
use motcua_app::office::inbox::{self, Filter};
use motcua_app::office::{Official, act as office_act};
use motcua_domain::forms::{FieldProblem, Problem};
use motcua_domain::lifecycle::ActionKind;
use motcua_store::{DossierId, DossierRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::schema::{
    BadRequest, Binary, Conflict, Forbidden, InvalidInput, NotFound, PayloadTooLarge, StageKey,
    Unauthenticated, Unavailable, UnsupportedMediaType,
};
use crate::error::WebError;
use crate::extract::{Json, Query};
use crate::office::actions;
use crate::state::AppState;
use crate::uploads::files_and_fields;
use crate::visitor::{OfficialVisitor, Via, Visitor};

/// Extractor: a signed-in official with `Authorization: Bearer`.
#[derive(Debug, Clone)]
pub struct ApiOfficial {
    pub official: Official,
}

impl FromRequestParts<AppState> for ApiOfficial {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // The API takes no cookies: a browser session is not signed in here.
        let Visitor(found) = Visitor::from_request_parts(parts, state).await?;
        if found.as_ref().is_some_and(|s| s.via != Via::Bearer) {
            return Err(WebError::Unauthenticated);
        }
        let OfficialVisitor { official, .. } =
            OfficialVisitor::from_request_parts(parts, state).await?;
        Ok(ApiOfficial { official })
    }
}

/// What narrows the queue.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct QueueParams {
    /// A code, an identity number or part of the applicant's name.
    #[serde(default)]
    q: Option<String>,
    /// Only this stage.
    #[serde(default)]
    #[param(value_type = Option<StageKey>)]
    stage: Option<String>,
    /// Only those assigned to the caller.
    #[serde(default)]
    mine: Option<bool>,
    /// Only those overdue or due within a working day.
    #[serde(default)]
    urgent: Option<bool>,
    /// From 0; 50 rows a page.
    #[serde(default)]
    page: Option<u32>,
}

/// A dossier in the queue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct QueueRow {
    #[schema(format = Uuid)]
    id: String,
    code: String,
    procedure_code: String,
    applicant: String,
    #[schema(value_type = StageKey)]
    stage: String,
    /// The next deadline the office must meet.
    work_due: Option<DateTime<Utc>>,
    overdue: bool,
    /// The specialist it is assigned to.
    #[schema(format = Uuid)]
    assignee: Option<String>,
}

impl QueueRow {
    fn of(d: &DossierRecord, now: DateTime<Utc>) -> Self {
        QueueRow {
            id: d.id.to_string(),
            code: d.code.as_str().to_owned(),
            procedure_code: d.procedure_code.clone(),
            applicant: d.applicant.name.clone(),
            stage: d.state.stage.key().to_owned(),
            work_due: d.columns.work_due,
            overdue: d.columns.work_due.is_some_and(|t| t < now),
            assignee: d.columns.assignee.clone(),
        }
    }
}

/// A page of the queue and the counts over all of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Queue {
    open: u64,
    overdue: u64,
    due_soon: u64,
    /// "Due soon" means before this instant (one working day from now).
    soon: DateTime<Utc>,
    rows: Vec<QueueRow>,
    /// The next page's number; absent on the last.
    next_page: Option<u32>,
}

/// `GET /api/office/queue`.
#[utoipa::path(
    get,
    path = "/api/office/queue",
    tag = "back office",
    operation_id = "getOfficeQueue",
    summary = "The official's queue, most urgent first, with overdue and due-soon counts",
    security(("bearer" = [])),
    params(QueueParams),
    responses(
        (status = 200, description = "A page of the queue", body = Queue),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn queue(
    State(state): State<AppState>,
    who: ApiOfficial,
    Query(params): Query<QueueParams>,
) -> Result<Json<Queue>, WebError> {
    let svc = state.require_services()?;
    let stages = match params
        .stage
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Vec::new(),
        Some(key) => vec![
            motcua_domain::lifecycle::Stage::ALL
                .iter()
                .copied()
                .find(|s| s.key() == key)
                .ok_or_else(|| {
                    WebError::Fields(vec![FieldProblem {
                        field: "stage".into(),
                        problem: Problem::NotAnOption,
                    }])
                })?,
        ],
    };
    let filter = Filter {
        stages,
        mine: params.mine.unwrap_or(false),
        urgent: params.urgent.unwrap_or(false),
        search: params.q.filter(|q| !q.trim().is_empty()),
        page: params.page.unwrap_or(0),
    };
    let now = Utc::now();
    let found = inbox::inbox(svc, &who.official, &filter, now).await?;
    Ok(Json(Queue {
        open: found.counts.open,
        overdue: found.counts.overdue,
        due_soon: found.counts.due_soon,
        soon: found.soon,
        rows: found.rows.iter().map(|d| QueueRow::of(d, now)).collect(),
        next_page: found.has_more.then_some(found.page + 1),
    }))
}

/// Who received a result at the counter.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecipientBody {
    name: String,
    /// The identity document's number (CCCD, passport).
    identity: String,
}

/// What an action carries; each action reads the members it needs.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionBody {
    /// Refusals, supplement requests, send-backs, apologies, stops.
    #[serde(default)]
    reason: Option<String>,
    /// A supplement request: every document missing.
    #[serde(default)]
    items: Vec<String>,
    /// `assign`: the specialist's user id (the caller when absent).
    #[serde(default)]
    #[schema(format = Uuid)]
    to: Option<String>,
    /// `send-to-agency`: a group of the procedure's workflow (numbered from
    /// 1 in the catalog's order of its inter-agency groups), sent to every
    /// agency of the group at once, each step with its own time. Without
    /// it, `agency`, `task` and `days` name a single step.
    #[serde(default)]
    #[schema(minimum = 1)]
    group: Option<u32>,
    /// `send-to-agency`: the agency's identifier, and what it is asked;
    /// `return-from-agency`: the agency whose step answered (needed while
    /// several are open, unless the caller's agency has the only step of its
    /// own).
    #[serde(default)]
    agency: Option<String>,
    #[serde(default)]
    task: Option<String>,
    /// `send-to-agency`: the step's own time in working days (1–60).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 60)]
    days: Option<u32>,
    /// `amend`: what changes; `capture-data`: what the document says.
    #[serde(default)]
    summary: Option<String>,
    /// `capture-data`: the document type's code, its number (or, without
    /// one, its issue date and issuer), title, validity and scope.
    #[serde(default)]
    type_code: Option<String>,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    issued_on: Option<chrono::NaiveDate>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    valid_until: Option<chrono::NaiveDate>,
    #[serde(default)]
    scope: Option<String>,
    /// `apologize`: the new date (the end of that day's office hours).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    new_due: Option<chrono::NaiveDate>,
    /// `return-result` at the counter.
    #[serde(default)]
    recipient: Option<RecipientBody>,
}

impl ActionBody {
    /// The same fields the page's form posts.
    fn fields(&self) -> BTreeMap<String, String> {
        let mut f = BTreeMap::new();
        let mut put = |k: &str, v: Option<&String>| {
            if let Some(v) = v {
                f.insert(k.to_owned(), v.clone());
            }
        };
        put("reason", self.reason.as_ref());
        put("to", self.to.as_ref());
        put("agency", self.agency.as_ref());
        put("task", self.task.as_ref());
        put("group", self.group.map(|g| g.to_string()).as_ref());
        put("type_code", self.type_code.as_ref());
        put("number", self.number.as_ref());
        put("title", self.title.as_ref());
        put("issuer", self.issuer.as_ref());
        put("scope", self.scope.as_ref());
        let day = |d: &chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
        put("issued_on", self.issued_on.as_ref().map(day).as_ref());
        put("valid_until", self.valid_until.as_ref().map(day).as_ref());
        put("days", self.days.map(|d| d.to_string()).as_ref());
        put("summary", self.summary.as_ref());
        if !self.items.is_empty() {
            f.insert("items".into(), self.items.join("\n"));
        }
        if let Some(d) = self.new_due {
            f.insert("new_due".into(), d.format("%d/%m/%Y").to_string());
        }
        if let Some(r) = &self.recipient {
            f.insert("recipient_name".into(), r.name.clone());
            f.insert("recipient_identity".into(), r.identity.clone());
        }
        f
    }
}

/// The dossier after the action.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Acted {
    dossier: QueueRow,
    /// The hash of the event just recorded.
    head_hash: String,
    due: Option<DateTime<Utc>>,
}

/// `POST /api/office/dossiers/{id}/actions/{action}`.
#[utoipa::path(
    post,
    path = "/api/office/dossiers/{id}/actions/{action}",
    tag = "back office",
    operation_id = "takeOfficeAction",
    summary = "Takes an action on a dossier in the caller's role",
    description = "The role is the first of the action's roles the caller holds where it \
                   counts: reception and return at the receiving unit, appraisal and approval \
                   at the deciding agency. To attach files (scans, the signed result), post \
                   the same to `…/files` as `multipart/form-data`.",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The dossier's id"),
        ("action" = String, Path, description = "The action's key (`accept`, `assign`, …)"),
    ),
    request_body = ActionBody,
    responses(
        (status = 200, description = "Done", body = Acted),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = InvalidInput),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn take_action(
    State(state): State<AppState>,
    who: ApiOfficial,
    Path((id, action)): Path<(String, String)>,
    Json(body): Json<ActionBody>,
) -> Result<Json<Acted>, WebError> {
    let svc = state.require_services()?;
    let (dossier, kind) = target(svc, &who, &id, &action).await?;
    take(svc, &who, &dossier, kind, &body.fields(), Vec::new()).await
}

/// The dossier an action is asked on, as the caller sees it, and the
/// action's kind; "not found" for either unknown.
async fn target(
    svc: &motcua_app::Services,
    who: &ApiOfficial,
    id: &str,
    action: &str,
) -> Result<(DossierRecord, ActionKind), WebError> {
    let id: DossierId = id.parse().map_err(|_| WebError::NotFound)?;
    let kind = actions::kind_of(action).ok_or(WebError::NotFound)?;
    let (dossier, _) = motcua_app::office::scope::visible(svc, &who.official, id).await?;
    Ok((dossier, kind))
}

/// Reads the action from the posted members (as the page's form does) and
/// takes it with `files`.
async fn take(
    svc: &motcua_app::Services,
    who: &ApiOfficial,
    dossier: &DossierRecord,
    kind: ActionKind,
    fields: &BTreeMap<String, String>,
    files: Vec<motcua_app::apply::StoredFile>,
) -> Result<Json<Acted>, WebError> {
    let hours = office_act::hours_of(svc, dossier).await?;
    let procedure = office_act::procedure_of(svc, dossier).await?;
    let action = actions::action_of(kind, fields, &hours, procedure.as_ref())?;
    let now = Utc::now();
    let updated = office_act::act(svc, &who.official, dossier.id, action, files, now).await?;
    Ok(Json(Acted {
        dossier: QueueRow::of(&updated, now),
        head_hash: updated.head_hash.to_hex(),
        due: updated.state.clock.due,
    }))
}

/// Dossiers to act on together.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BulkBody {
    /// `accept`, or `take-up` (assigned to the caller).
    action: String,
    /// At most 100; repeats count once.
    #[schema(value_type = Vec<String>, format = Uuid)]
    ids: Vec<String>,
}

/// What happened to one dossier.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct BulkItem {
    #[schema(format = Uuid)]
    id: String,
    /// The dossier after the action, when it was done.
    #[serde(skip_serializing_if = "Option::is_none")]
    dossier: Option<QueueRow>,
    /// Why it was not done, in the request's language (an id nobody may
    /// see is "not found", like one that does not exist).
    #[serde(skip_serializing_if = "Option::is_none")]
    refused: Option<String>,
}

/// The outcome of a bulk action, dossier by dossier.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct BulkDone {
    done: usize,
    refused: usize,
    items: Vec<BulkItem>,
}

/// `POST /api/office/bulk`.
#[utoipa::path(
    post,
    path = "/api/office/bulk",
    tag = "back office",
    operation_id = "takeBulkAction",
    summary = "Accepts or takes up several dossiers",
    description = "Each dossier goes through the same rules as one acted on alone; one refused \
                   does not stop the others.",
    security(("bearer" = [])),
    request_body = BulkBody,
    responses(
        (status = 200, description = "Each dossier's outcome", body = BulkDone),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = InvalidInput),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn bulk(
    State(state): State<AppState>,
    who: ApiOfficial,
    lang: crate::lang::RequestLang,
    Json(body): Json<BulkBody>,
) -> Result<Json<BulkDone>, WebError> {
    let svc = state.require_services()?;
    let action = BulkAction::from_key(&body.action).ok_or_else(|| {
        WebError::Fields(vec![FieldProblem {
            field: "action".into(),
            problem: Problem::NotAnOption,
        }])
    })?;
    let mut ids = Vec::with_capacity(body.ids.len());
    for (i, id) in body.ids.iter().enumerate() {
        ids.push(id.parse::<DossierId>().map_err(|_| {
            WebError::Fields(vec![FieldProblem {
                field: format!("ids[{i}]"),
                problem: Problem::NotAnOption,
            }])
        })?);
    }
    let now = Utc::now();
    let results = bulk::bulk(svc, &who.official, &ids, action, now).await;
    let items: Vec<BulkItem> = results
        .into_iter()
        .map(|r| match r.outcome {
            Ok(d) => BulkItem {
                id: r.id.to_string(),
                dossier: Some(QueueRow::of(&d, now)),
                refused: None,
            },
            Err(e) => BulkItem {
                id: r.id.to_string(),
                dossier: None,
                refused: Some(lang.0.describe(&e)),
            },
        })
        .collect();
    let done = items.iter().filter(|i| i.dossier.is_some()).count();
    Ok(Json(BulkDone {
        done,
        refused: items.len() - done,
        items,
    }))
}

/// An action with files: the same members as [`ActionBody`] as text parts
/// (`items` one per line, `new_due` as `YYYY-MM-DD`, the counter recipient
/// as `recipient_name` and `recipient_identity`), and the files (scans, the
/// signed result) as file parts under any name.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes a multipart body.
pub(crate) struct ActionForm {
    reason: Option<String>,
    items: Option<String>,
    #[schema(format = Uuid)]
    to: Option<String>,
    group: Option<String>,
    agency: Option<String>,
    task: Option<String>,
    days: Option<String>,
    summary: Option<String>,
    type_code: Option<String>,
    number: Option<String>,
    title: Option<String>,
    #[schema(format = Date)]
    issued_on: Option<String>,
    issuer: Option<String>,
    #[schema(format = Date)]
    valid_until: Option<String>,
    scope: Option<String>,
    #[schema(format = Date)]
    new_due: Option<String>,
    recipient_name: Option<String>,
    recipient_identity: Option<String>,
    /// PDF, JPEG or PNG, each checked by content.
    #[schema(value_type = Vec<Binary>, required = false)]
    files: Option<Vec<Vec<u8>>>,
}

/// `POST /api/office/dossiers/{id}/actions/{action}/files`.
#[utoipa::path(
    post,
    path = "/api/office/dossiers/{id}/actions/{action}/files",
    tag = "back office",
    operation_id = "takeOfficeActionWithFiles",
    summary = "Takes an action on a dossier with files attached",
    description = "As `takeOfficeAction`, in a `multipart/form-data` body: each file is \
                   streamed to storage, checked by content, and recorded with the event with \
                   its hash and the official who attached it.",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The dossier's id"),
        ("action" = String, Path, description = "The action's key (`accept`, `return-result`, …)"),
    ),
    request_body(content = ActionForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Done", body = Acted),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = InvalidInput),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn take_action_with_files(
    State(state): State<AppState>,
    who: ApiOfficial,
    Path((id, action)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Json<Acted>, WebError> {
    let svc = state.require_services()?;
    // Seen before any file is read: nobody else's bytes are stored.
    let (dossier, kind) = target(svc, &who, &id, &action).await?;
    let (fields, files) = files_and_fields(svc, multipart, &actions::files_field(), None).await?;
    take(svc, &who, &dossier, kind, &fields, files).await
}

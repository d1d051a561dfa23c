//! One dossier as the back office sees it, for programs: what the
//! `/can-bo/ho-so/{id}` page shows — the applicant, the clock, the steps
//! other agencies owe, the whole timeline with each action's data, the
//! files, the applicant's digitised documents, the workflow plan and the
//! actions the caller may take now — and its files to download.

use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use motcua_app::office::{act as office_act, capture, plan, scope};
use motcua_store::{AttachmentId, DossierId};
use serde::Serialize;
use utoipa::ToSchema;

use super::office::ApiOfficial;
use super::schema::{Binary, NotFound, Unauthenticated, Unavailable, serde_key};
use crate::error::WebError;
use crate::extract::Json;
use crate::office::actions;
use crate::portal::dossiers::file_response;
use crate::state::AppState;

/// The applicant as the office knows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct OfficeApplicant {
    name: String,
    identity_number: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    address: Option<String>,
}

/// A step another agency owes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct OpenStepView {
    /// The agency's identifier, or a kind (`court`) for a body outside the
    /// system.
    agency: String,
    task: String,
    since: DateTime<Utc>,
    /// When the step's own time ends, if it has one.
    due: Option<DateTime<Utc>>,
}

/// An event of the timeline, with its data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct OfficeEvent {
    seq: u32,
    at: DateTime<Utc>,
    #[schema(value_type = super::schema::ActionKey)]
    action: String,
    #[schema(value_type = super::schema::RoleKey)]
    role: String,
    /// Who took it (absent for motcua itself and for the applicant online).
    #[schema(format = Uuid)]
    actor: Option<String>,
    reason: Option<String>,
    /// The action as recorded on the timeline, with everything it carries
    /// (a hand-over's steps, a digitised document, a recipient…), and what
    /// it computed (`effect`: the stage after it, due dates).
    #[schema(value_type = Object)]
    recorded: serde_json::Value,
    /// The ids of the files that came with it.
    attachments: Vec<String>,
}

/// A file of the dossier.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct OfficeFile {
    #[schema(format = Uuid)]
    id: String,
    event_seq: u32,
    field: Option<String>,
    file_name: String,
    media_type: String,
    size: u64,
    /// SHA-256 of the content, in hex.
    sha256: String,
    /// Where to download it.
    href: String,
}

/// A document digitised for the applicant, on this dossier or an earlier
/// one: reuse it rather than ask again.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct CapturedView {
    /// The dossier it was digitised on.
    dossier_code: String,
    at: DateTime<Utc>,
    /// Type code, number, title, summary, issue, validity, scope.
    #[schema(value_type = Object)]
    document: serde_json::Value,
}

/// A workflow step of the catalog, planned from the dossier's entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct PlannedStep {
    id: String,
    name: String,
    #[schema(value_type = super::schema::RoleKey)]
    role: String,
    agency: Option<String>,
    /// When it should end if every step takes its allotted time.
    planned_end: DateTime<Utc>,
}

/// A dossier as the back office sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct OfficeDossier {
    #[schema(format = Uuid)]
    id: String,
    code: String,
    procedure_code: String,
    #[schema(value_type = super::schema::StageKey)]
    stage: String,
    #[schema(value_type = Option<super::schema::OutcomeKey>)]
    outcome: Option<String>,
    #[schema(format = Uuid)]
    receiving_unit: String,
    #[schema(format = Uuid)]
    deciding_agency: String,
    applicant: OfficeApplicant,
    entered_at: DateTime<Utc>,
    accepted_at: Option<DateTime<Utc>>,
    /// The due date in force (an apology may have moved it).
    due: Option<DateTime<Utc>>,
    /// The legal due date lateness is judged against.
    original_due: Option<DateTime<Utc>>,
    /// The next deadline the office must meet.
    work_due: Option<DateTime<Utc>>,
    #[schema(format = Uuid)]
    assignee: Option<String>,
    open_steps: Vec<OpenStepView>,
    events: Vec<OfficeEvent>,
    files: Vec<OfficeFile>,
    captured: Vec<CapturedView>,
    workflow: Vec<PlannedStep>,
    /// The actions the caller may take now (keys for
    /// `takeOfficeAction`).
    #[schema(value_type = Vec<super::schema::ActionKey>)]
    actions: Vec<String>,
    /// Whether the stored hash chain verifies.
    chain_ok: bool,
    head_hash: String,
}

fn dossier_id(text: &str) -> Result<DossierId, WebError> {
    text.parse().map_err(|_| WebError::NotFound)
}

/// `GET /api/office/dossiers/{id}`.
#[utoipa::path(
    get,
    path = "/api/office/dossiers/{id}",
    tag = "back office",
    operation_id = "getOfficeDossier",
    summary = "A dossier as the back office sees it",
    description = "The applicant, the clock, the steps other agencies owe, the timeline with each \
                   action's data, the files, the applicant's digitised documents, the workflow plan \
                   and the actions the caller may take now. A dossier the caller may not see is 404.",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "The dossier's id")),
    responses(
        (status = 200, description = "The dossier", body = OfficeDossier),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    who: ApiOfficial,
    Path(id): Path<String>,
) -> Result<Json<OfficeDossier>, WebError> {
    let svc = state.require_services()?;
    let (d, seat) = scope::visible(svc, &who.official, dossier_id(&id)?).await?;
    let events = svc
        .store
        .events(d.id)
        .await
        .map_err(motcua_app::AppError::from)?;
    let attachments = svc
        .store
        .attachments(d.id)
        .await
        .map_err(motcua_app::AppError::from)?;
    let chain_ok = motcua_store::timeline::check(&d, &events, &attachments).is_empty();
    let procedure = office_act::procedure_of(svc, &d).await?;
    let workflow = match &procedure {
        Some(p) => plan::plan(svc, &d, p)
            .await?
            .into_iter()
            .map(|(s, end)| PlannedStep {
                id: s.id.clone(),
                name: s.name.clone(),
                role: s.role.key().to_owned(),
                agency: s.agency.clone(),
                planned_end: end,
            })
            .collect(),
        None => Vec::new(),
    };
    let captured = capture::of_applicant(svc, &who.official, &d)
        .await?
        .into_iter()
        .map(|r| CapturedView {
            dossier_code: r.code.as_str().to_owned(),
            at: r.at,
            document: serde_json::to_value(&r.document).unwrap_or_default(),
        })
        .collect();
    let events = events
        .iter()
        .map(|e| OfficeEvent {
            seq: e.seq,
            at: e.at,
            action: e.action.key().to_owned(),
            role: e.role.key().to_owned(),
            actor: e.actor.map(|a| a.to_string()),
            reason: e.reason.clone(),
            recorded: e.payload.get("event").cloned().unwrap_or_default(),
            attachments: attachments
                .iter()
                .filter(|a| a.event_seq == e.seq)
                .map(|a| a.id.to_string())
                .collect(),
        })
        .collect();
    let files = attachments
        .iter()
        .map(|a| OfficeFile {
            id: a.id.to_string(),
            event_seq: a.event_seq,
            field: a.field.clone(),
            file_name: a.file_name.clone(),
            media_type: a.media_type.clone(),
            size: a.size,
            sha256: a.sha256.to_hex(),
            href: format!("/api/office/dossiers/{}/attachments/{}", d.id, a.id),
        })
        .collect();
    let clock = &d.state.clock;
    Ok(Json(OfficeDossier {
        id: d.id.to_string(),
        code: d.code.as_str().to_owned(),
        procedure_code: d.procedure_code.clone(),
        stage: d.state.stage.key().to_owned(),
        outcome: d.state.outcome.map(|o| serde_key(&o)),
        receiving_unit: d.receiving_unit.to_string(),
        deciding_agency: d.deciding_agency.to_string(),
        applicant: OfficeApplicant {
            name: d.applicant.name.clone(),
            identity_number: d.applicant.identity_number.clone(),
            phone: d.applicant.phone.clone(),
            email: d.applicant.email.clone(),
            address: d.applicant.address.clone(),
        },
        entered_at: d.state.entered_at,
        accepted_at: clock.accepted_at,
        due: clock.due,
        original_due: clock.original_due,
        work_due: d.columns.work_due,
        assignee: d.columns.assignee.clone(),
        open_steps: d
            .state
            .open_steps
            .iter()
            .map(|s| OpenStepView {
                agency: s.agency.clone(),
                task: s.task.clone(),
                since: s.since,
                due: s.due,
            })
            .collect(),
        events,
        files,
        captured,
        workflow,
        actions: actions::offered_kinds(&who.official, &d, &seat)
            .map(|k| k.key().to_owned())
            .collect(),
        chain_ok,
        head_hash: d.head_hash.to_hex(),
    }))
}

/// `GET /api/office/dossiers/{id}/attachments/{attachment}`.
#[utoipa::path(
    get,
    path = "/api/office/dossiers/{id}/attachments/{attachment}",
    tag = "back office",
    operation_id = "downloadOfficeAttachment",
    summary = "A file of a dossier the caller may see (streamed)",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The dossier's id"),
        ("attachment" = String, Path, format = Uuid, description = "The attachment's id"),
    ),
    responses(
        (status = 200, description = "The bytes, with the file's `Content-Type` and `Content-Disposition`",
         content_type = "application/octet-stream", body = Binary),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn download(
    State(state): State<AppState>,
    who: ApiOfficial,
    Path((id, attachment)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let attachment: AttachmentId = attachment.parse().map_err(|_| WebError::NotFound)?;
    let (file, reader) =
        scope::attachment(svc, &who.official, dossier_id(&id)?, attachment).await?;
    Ok(file_response(&file, reader))
}

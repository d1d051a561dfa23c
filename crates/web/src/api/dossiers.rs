//! The applicant's own dossiers: the list, one dossier whole (status,
//! timeline, files, rating, what can be done now), its files, and the
//! applicant's actions — answer a supplement request, amend, withdraw,
//! rate. Someone else's dossier is "not found".

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::applicant::{self, DossierView, Satisfactions};
use motcua_app::{AppError, Services, track};
use motcua_domain::lifecycle::ActionKind;
use motcua_store::{Attachment, AttachmentId, DossierId, DossierRecord, Page, Rating};
use serde::{Deserialize, Serialize};
use tokio_util::io::ReaderStream;
use utoipa::{IntoParams, ToSchema};

use super::ApiApplicant;
use super::drafts::dossier_id;
use super::schema::{
    ActionKey, BadRequest, Binary, Conflict, DeliveryChoice, InvalidInput, NotFound, OutcomeKey,
    PayloadTooLarge, Problem, RoleKey, SatisfactionLevel, StageKey, Unauthenticated, Unavailable,
    UnsupportedMediaType, serde_key,
};
use crate::error::WebError;
use crate::extract::{Json, Query};
use crate::state::AppState;
use crate::uploads::files_and_fields;

/// A dossier in the list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct DossierSummary {
    #[schema(format = Uuid)]
    id: String,
    #[schema(example = "000.41.01.H82-261105-0001")]
    code: String,
    procedure_code: String,
    #[schema(value_type = StageKey)]
    stage: String,
    entered_at: DateTime<Utc>,
}

impl From<&DossierRecord> for DossierSummary {
    fn from(d: &DossierRecord) -> Self {
        DossierSummary {
            id: d.id.to_string(),
            code: d.code.as_str().to_owned(),
            procedure_code: d.procedure_code.clone(),
            stage: d.state.stage.key().to_owned(),
            entered_at: d.state.entered_at,
        }
    }
}

/// A page of the list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListParams {
    /// The `next` of the previous page.
    #[serde(default)]
    #[param(format = Uuid)]
    after: Option<String>,
    /// How many (1–100, default 50).
    #[serde(default)]
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

/// The applicant's dossiers, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct DossierList {
    dossiers: Vec<DossierSummary>,
    /// Pass as `after` for the next page; absent on the last.
    #[schema(format = Uuid)]
    next: Option<String>,
}

/// `GET /api/dossiers`.
#[utoipa::path(
    get,
    path = "/api/dossiers",
    tag = "dossiers",
    operation_id = "listDossiers",
    summary = "The dossiers the applicant filed, newest first",
    security(("bearer" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "A page of dossiers", body = DossierList),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Query(params): Query<ListParams>,
) -> Result<Json<DossierList>, WebError> {
    let svc = state.require_services()?;
    let limit = params.limit.unwrap_or(50).clamp(1, 100);
    let after = match params.after.as_deref() {
        None | Some("") => None,
        Some(text) => Some(
            text.parse::<DossierId>()
                .map_err(|_| WebError::BadRequest {
                    reason: "`after` is not a dossier id".into(),
                })?,
        ),
    };
    let found = applicant::my_dossiers(svc, applicant.user(), Page { after, limit }).await?;
    let next = (found.len() == limit as usize)
        .then(|| found.last().map(|d| d.id.to_string()))
        .flatten();
    Ok(Json(DossierList {
        dossiers: found.iter().map(DossierSummary::from).collect(),
        next,
    }))
}

/// An event of the timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Event)]
pub(crate) struct EventView {
    /// 1 for the entry, then one more per event.
    seq: u32,
    at: DateTime<Utc>,
    #[schema(value_type = ActionKey)]
    action: String,
    #[schema(value_type = RoleKey)]
    role: String,
    /// The reason or summary the action carries.
    reason: Option<String>,
    /// The ids of the attachments that came with it.
    attachments: Vec<String>,
}

/// A file of the dossier.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Attachment)]
pub(crate) struct AttachmentView {
    #[schema(format = Uuid)]
    id: String,
    /// The event it came with.
    event_seq: u32,
    /// The form field it answers, if any.
    field: Option<String>,
    file_name: String,
    media_type: String,
    size: u64,
    /// SHA-256 of the content, in hex.
    sha256: String,
    added_at: DateTime<Utc>,
    /// Whether it is (part of) the result.
    result: bool,
    /// Where to download it.
    #[schema(example = "/api/dossiers/0190…/attachments/0190…")]
    href: String,
}

/// The applicant's rating of the service.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Rating)]
pub(crate) struct RatingView {
    overall: SatisfactionLevel,
    convenience: SatisfactionLevel,
    timeliness: SatisfactionLevel,
    attitude: SatisfactionLevel,
    comment: Option<String>,
    rated_at: DateTime<Utc>,
}

impl From<&Rating> for RatingView {
    fn from(r: &Rating) -> Self {
        RatingView {
            overall: r.overall.into(),
            convenience: r.convenience.into(),
            timeliness: r.timeliness.into(),
            attitude: r.attitude.into(),
            comment: r.comment.clone(),
            rated_at: r.rated_at,
        }
    }
}

/// What the applicant may do now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct AllowedActions {
    /// Answer a request for documents (`POST …/supplement`).
    supplement: bool,
    /// Amend the dossier (`POST …/amend`).
    amend: bool,
    /// Withdraw it (`POST …/withdraw`).
    withdraw: bool,
    /// Rate the service (`POST …/rating`).
    rate: bool,
}

/// One of the applicant's dossiers, whole.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Dossier)]
pub(crate) struct DossierDetail {
    #[schema(format = Uuid)]
    id: String,
    code: String,
    procedure_code: String,
    procedure_name: String,
    procedure_name_en: Option<String>,
    #[schema(value_type = StageKey)]
    stage: String,
    #[schema(value_type = Option<OutcomeKey>)]
    outcome: Option<String>,
    delivery: DeliveryChoice,
    entered_at: DateTime<Utc>,
    /// When an officer accepted it as complete (the legal clock starts).
    accepted_at: Option<DateTime<Utc>>,
    /// The legal due date, once the clock runs.
    due: Option<DateTime<Utc>>,
    /// Before acceptance: when the result can be expected.
    estimate: Option<NaiveDate>,
    decided_at: Option<DateTime<Utc>>,
    returned_at: Option<DateTime<Utc>>,
    /// The hash of the timeline's last event (hex): a receipt holder can
    /// check later that the record was not rewritten.
    head_hash: String,
    events: Vec<EventView>,
    attachments: Vec<AttachmentView>,
    rating: Option<RatingView>,
    actions: AllowedActions,
}

async fn detail(svc: &Services, view: DossierView) -> Result<DossierDetail, WebError> {
    let d = &view.dossier;
    let status = track::status_of(svc, d).await?;
    let results: Vec<&Attachment> = view.result_files();
    let attachments = view
        .attachments
        .iter()
        .map(|a| AttachmentView {
            id: a.id.to_string(),
            event_seq: a.event_seq,
            field: a.field.clone(),
            file_name: a.file_name.clone(),
            media_type: a.media_type.clone(),
            size: a.size,
            sha256: a.sha256.to_hex(),
            added_at: a.added_at,
            result: results.iter().any(|r| r.id == a.id),
            href: format!("/api/dossiers/{}/attachments/{}", d.id, a.id),
        })
        .collect();
    let events = view
        .events
        .iter()
        .map(|e| EventView {
            seq: e.seq,
            at: e.at,
            action: e.action.key().to_owned(),
            role: e.role.key().to_owned(),
            reason: e.reason.clone(),
            attachments: view
                .attachments
                .iter()
                .filter(|a| a.event_seq == e.seq)
                .map(|a| a.id.to_string())
                .collect(),
        })
        .collect();
    Ok(DossierDetail {
        id: d.id.to_string(),
        code: status.code,
        procedure_code: status.procedure_code,
        procedure_name: status.procedure_name,
        procedure_name_en: status.procedure_name_en,
        stage: status.stage.key().to_owned(),
        outcome: status.outcome.map(|o| serde_key(&o)),
        delivery: status.delivery.into(),
        entered_at: status.entered_at,
        accepted_at: status.accepted_at,
        due: status.due,
        estimate: status.estimate,
        decided_at: status.decided_at,
        returned_at: status.returned_at,
        head_hash: status.head_hash.to_hex(),
        events,
        attachments,
        rating: view.rating.as_ref().map(RatingView::from),
        actions: AllowedActions {
            supplement: view.can(ActionKind::CompleteReceptionSupplement)
                || view.can(ActionKind::CompleteAppraisalSupplement),
            amend: view.can(ActionKind::Amend),
            withdraw: view.can(ActionKind::Withdraw),
            rate: view.can_rate(),
        },
    })
}

async fn detail_of(
    svc: &Services,
    applicant: &ApiApplicant,
    id: DossierId,
) -> Result<Json<DossierDetail>, WebError> {
    let view = applicant::view(svc, applicant.user(), id).await?;
    Ok(Json(detail(svc, view).await?))
}

/// `GET /api/dossiers/{id}`.
#[utoipa::path(
    get,
    path = "/api/dossiers/{id}",
    tag = "dossiers",
    operation_id = "getDossier",
    summary = "One of the applicant's dossiers: status, timeline, files, rating, allowed actions",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "The dossier's id")),
    responses(
        (status = 200, description = "The dossier", body = DossierDetail),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Path(id): Path<String>,
) -> Result<Json<DossierDetail>, WebError> {
    let svc = state.require_services()?;
    detail_of(svc, &applicant, dossier_id(&id)?).await
}

/// `Content-Disposition` for a download of `name`.
fn disposition(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{plain}\"; filename*=UTF-8''{}",
        crate::lang::percent_encode(name)
    )
}

/// `GET /api/dossiers/{id}/attachments/{attachment}`.
#[utoipa::path(
    get,
    path = "/api/dossiers/{id}/attachments/{attachment}",
    tag = "dossiers",
    operation_id = "downloadAttachment",
    summary = "A file of the dossier (streamed)",
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
    applicant: ApiApplicant,
    Path((id, attachment)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let attachment: AttachmentId = attachment.parse().map_err(|_| WebError::NotFound)?;
    let (file, reader) =
        applicant::attachment(svc, applicant.user(), dossier_id(&id)?, attachment).await?;
    let mut response = Body::from_stream(ReaderStream::new(reader)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&file.media_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(CONTENT_LENGTH, HeaderValue::from(file.size));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition(&file.file_name)) {
        headers.insert(CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// A supplement: the documents asked for, as file parts under any name.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes a multipart body.
pub(crate) struct SupplementForm {
    /// One or more files (any part name; each part's file name is kept).
    #[schema(value_type = Vec<Binary>)]
    files: Vec<Vec<u8>>,
}

/// An amendment: what changes, and the corrected documents.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes a multipart body.
pub(crate) struct AmendForm {
    /// What changes (required, at most 2000 characters).
    summary: String,
    /// Corrected documents, if any (any part name).
    #[schema(value_type = Vec<Binary>, required = false)]
    files: Option<Vec<Vec<u8>>>,
}

/// `POST /api/dossiers/{id}/supplement`.
#[utoipa::path(
    post,
    path = "/api/dossiers/{id}/supplement",
    tag = "dossiers",
    operation_id = "supplementDossier",
    summary = "Answer a request for documents",
    description = "Every file part (under any name) is streamed to storage and checked by \
                   content against the types and size the procedure's uploads accept.",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "The dossier's id")),
    request_body(content = SupplementForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The dossier after the supplement", body = DossierDetail),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, description = "No such dossier, or no supplement is asked for", body = Problem, content_type = "application/problem+json"),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = InvalidInput),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn supplement(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Json<DossierDetail>, WebError> {
    let svc = state.require_services()?;
    let id = dossier_id(&id)?;
    let view = applicant::view(svc, applicant.user(), id).await?;
    if !(view.can(ActionKind::CompleteReceptionSupplement)
        || view.can(ActionKind::CompleteAppraisalSupplement))
    {
        // As the use case answers, before any file is read.
        return Err(AppError::NotFound("dossier").into());
    }
    let field = applicant::extra_files_field(view.procedure.as_ref());
    let (_, files) = files_and_fields(svc, multipart, &field, None).await?;
    applicant::supplement(svc, applicant.user(), id, files, Utc::now()).await?;
    detail_of(svc, &applicant, id).await
}

/// `POST /api/dossiers/{id}/amend`.
#[utoipa::path(
    post,
    path = "/api/dossiers/{id}/amend",
    tag = "dossiers",
    operation_id = "amendDossier",
    summary = "Amend an online dossier: a summary and corrected documents",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "The dossier's id")),
    request_body(content = AmendForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The dossier after the amendment", body = DossierDetail),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 409, description = "The dossier's stage does not allow it", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = InvalidInput),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn amend(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Json<DossierDetail>, WebError> {
    let svc = state.require_services()?;
    let id = dossier_id(&id)?;
    let view = applicant::view(svc, applicant.user(), id).await?;
    let field = applicant::extra_files_field(view.procedure.as_ref());
    let (fields, files) = files_and_fields(svc, multipart, &field, None).await?;
    let summary = fields.get("summary").map(String::as_str).unwrap_or("");
    applicant::amend(svc, applicant.user(), id, summary, files, Utc::now()).await?;
    detail_of(svc, &applicant, id).await
}

/// Why the applicant withdraws.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WithdrawRequest {
    /// Required, at most 2000 characters.
    reason: String,
}

/// `POST /api/dossiers/{id}/withdraw`.
#[utoipa::path(
    post,
    path = "/api/dossiers/{id}/withdraw",
    tag = "dossiers",
    operation_id = "withdrawDossier",
    summary = "Withdraw a dossier before it is decided",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "The dossier's id")),
    request_body = WithdrawRequest,
    responses(
        (status = 200, description = "The dossier, withdrawn", body = DossierDetail),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 409, description = "The dossier's stage does not allow it", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = InvalidInput),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Path(id): Path<String>,
    Json(body): Json<WithdrawRequest>,
) -> Result<Json<DossierDetail>, WebError> {
    let svc = state.require_services()?;
    let id = dossier_id(&id)?;
    applicant::withdraw(svc, applicant.user(), id, &body.reason, Utc::now()).await?;
    detail_of(svc, &applicant, id).await
}

/// How satisfied the applicant is, overall and in detail (TT 32/2017).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RatingRequest {
    overall: SatisfactionLevel,
    convenience: SatisfactionLevel,
    timeliness: SatisfactionLevel,
    attitude: SatisfactionLevel,
    /// Optional, at most 2000 characters.
    #[serde(default)]
    comment: String,
}

/// `POST /api/dossiers/{id}/rating`.
#[utoipa::path(
    post,
    path = "/api/dossiers/{id}/rating",
    tag = "dossiers",
    operation_id = "rateDossier",
    summary = "Rate the service, once the result is returned (once)",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "The dossier's id")),
    request_body = RatingRequest,
    responses(
        (status = 201, description = "The rating", body = RatingView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, description = "No such dossier, not returned yet, or rated already", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = InvalidInput),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn rate(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Path(id): Path<String>,
    Json(body): Json<RatingRequest>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let answers = Satisfactions {
        overall: body.overall.into(),
        convenience: body.convenience.into(),
        timeliness: body.timeliness.into(),
        attitude: body.attitude.into(),
    };
    let rating = applicant::rate(
        svc,
        applicant.user(),
        dossier_id(&id)?,
        answers,
        &body.comment,
        Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(RatingView::from(&rating))).into_response())
}

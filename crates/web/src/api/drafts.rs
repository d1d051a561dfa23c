//! Applying: a draft is started for a procedure, filled in (`PUT`, as often
//! as wanted: what is typed is kept as typed), given files (the raw bytes,
//! streamed), checked, and submitted once — the draft's id is the
//! idempotency key, so a repeated submission answers with the same dossier.

use std::collections::BTreeMap;

use axum::RequestExt;
use axum::extract::{Path, Request, State};
use axum::http::header::{CONTENT_LENGTH, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use motcua_app::{AppError, Services, apply};
use motcua_store::{DossierId, Draft, DraftFile};
use serde::{Deserialize, Serialize};
use tokio_util::io::StreamReader;
use utoipa::{IntoParams, ToSchema};

use super::ApiApplicant;
use super::schema::{
    BadRequest, Binary, DeliveryChoice, InvalidInput, NotFound, PayloadTooLarge, Problem,
    Unauthenticated, Unavailable, UnsupportedMediaType,
};
use crate::error::WebError;
use crate::extract::{Json, Query};
use crate::portal::UPLOAD_BODY_LIMIT;
use crate::state::AppState;
use crate::uploads::upload_error;

/// A draft or dossier id from the path (an unreadable one is simply not
/// found).
pub(crate) fn dossier_id(text: &str) -> Result<DossierId, WebError> {
    text.parse().map_err(|_| WebError::NotFound)
}

/// A response with `Location`.
fn created_at(status: StatusCode, location: &str, body: impl IntoResponse) -> Response {
    let mut response = (status, body).into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

/// A file uploaded to a draft.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = DraftFile)]
pub(crate) struct DraftFileView {
    /// Its position among the draft's files (for
    /// `DELETE /api/drafts/{id}/files/{index}`).
    index: usize,
    /// The form field it answers.
    field: String,
    file_name: String,
    /// As recognised from the content, whatever the client said.
    #[schema(example = "application/pdf")]
    media_type: String,
    /// In bytes.
    size: u64,
    /// SHA-256 of the content, in hex.
    sha256: String,
}

impl DraftFileView {
    fn of(index: usize, f: &DraftFile) -> Self {
        DraftFileView {
            index,
            field: f.field.clone(),
            file_name: f.file_name.clone(),
            media_type: f.media_type.clone(),
            size: f.size,
            sha256: f.sha256.to_hex(),
        }
    }
}

/// An application being written.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Draft)]
pub(crate) struct DraftView {
    /// Also the id of the dossier it becomes.
    #[schema(format = Uuid)]
    id: String,
    #[schema(example = "2.000815")]
    procedure_code: String,
    /// What was typed, by input name, as typed: the form's field ids,
    /// address parts (`<id>.province`, `<id>.commune`, `<id>.detail`,
    /// `<id>.legacy`), `agency` (when the applicant picks the deciding
    /// agency) and `delivery.*` (the postal address, when `delivery` is
    /// `post`).
    inputs: BTreeMap<String, String>,
    delivery: Option<DeliveryChoice>,
    files: Vec<DraftFileView>,
    /// Whether it was submitted (it can no longer change).
    submitted: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl DraftView {
    fn of(draft: &Draft, submitted: bool) -> Self {
        DraftView {
            id: draft.id.to_string(),
            procedure_code: draft.procedure_code.clone(),
            inputs: draft.inputs.clone(),
            delivery: draft.delivery.map(DeliveryChoice::from),
            files: draft
                .files
                .iter()
                .enumerate()
                .map(|(i, f)| DraftFileView::of(i, f))
                .collect(),
            submitted,
            created_at: draft.created_at,
            updated_at: draft.updated_at,
        }
    }
}

async fn is_submitted(svc: &Services, id: DossierId) -> Result<bool, WebError> {
    Ok(svc
        .store
        .dossier(id)
        .await
        .map_err(AppError::from)?
        .is_some())
}

/// `GET /api/drafts`.
#[utoipa::path(
    get,
    path = "/api/drafts",
    tag = "drafts",
    operation_id = "listDrafts",
    summary = "The drafts still being written, newest first",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Open drafts", body = Vec<DraftView>),
        (status = 401, response = Unauthenticated),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    applicant: ApiApplicant,
) -> Result<Json<Vec<DraftView>>, WebError> {
    let svc = state.require_services()?;
    let drafts = apply::drafts(svc, applicant.user()).await?;
    Ok(Json(
        drafts.iter().map(|d| DraftView::of(d, false)).collect(),
    ))
}

/// Which procedure to apply for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewDraft {
    /// The procedure's code.
    #[schema(example = "2.000815")]
    procedure: String,
}

/// `POST /api/drafts`.
#[utoipa::path(
    post,
    path = "/api/drafts",
    tag = "drafts",
    operation_id = "startDraft",
    summary = "Start applying for a procedure offered online",
    security(("bearer" = [])),
    request_body = NewDraft,
    responses(
        (status = 201, description = "The new draft (`Location` is its address)", body = DraftView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 409, description = "The procedure is not offered online", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = UnsupportedMediaType),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn start(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Json(body): Json<NewDraft>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let draft = apply::start(svc, applicant.user(), &body.procedure, Utc::now()).await?;
    Ok(created_at(
        StatusCode::CREATED,
        &format!("/api/drafts/{}", draft.id),
        Json(DraftView::of(&draft, false)),
    ))
}

/// `GET /api/drafts/{id}`.
#[utoipa::path(
    get,
    path = "/api/drafts/{id}",
    tag = "drafts",
    operation_id = "getDraft",
    summary = "A draft, as last saved",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "The draft's id")),
    responses(
        (status = 200, description = "The draft", body = DraftView),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Path(id): Path<String>,
) -> Result<Json<DraftView>, WebError> {
    let svc = state.require_services()?;
    let draft = apply::draft_of(svc, applicant.user(), dossier_id(&id)?).await?;
    let submitted = is_submitted(svc, draft.id).await?;
    Ok(Json(DraftView::of(&draft, submitted)))
}

/// What the applicant typed. It replaces what the draft held; nothing is
/// judged but its size (`POST /api/drafts/{id}/check` judges it).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DraftInputs {
    /// By input name (see `Draft.inputs`); blank values are dropped.
    #[serde(default)]
    inputs: BTreeMap<String, String>,
    /// How the result comes back.
    #[serde(default)]
    delivery: Option<DeliveryChoice>,
}

/// `PUT /api/drafts/{id}`.
#[utoipa::path(
    put,
    path = "/api/drafts/{id}",
    tag = "drafts",
    operation_id = "saveDraft",
    summary = "Save what was typed (replaces the inputs and the delivery choice)",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "The draft's id")),
    request_body = DraftInputs,
    responses(
        (status = 200, description = "The draft as saved", body = DraftView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, description = "No such draft, or it was submitted", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, description = "Too many or too long inputs", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn save(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Path(id): Path<String>,
    Json(body): Json<DraftInputs>,
) -> Result<Json<DraftView>, WebError> {
    let svc = state.require_services()?;
    let mut inputs = body.inputs;
    // Empty inputs are not kept (an empty commune must not hide a province).
    inputs.retain(|_, v| !v.trim().is_empty());
    let draft = apply::save(
        svc,
        applicant.user(),
        dossier_id(&id)?,
        inputs,
        body.delivery.map(Into::into),
        Utc::now(),
    )
    .await?;
    Ok(Json(DraftView::of(&draft, false)))
}

/// `DELETE /api/drafts/{id}`.
#[utoipa::path(
    delete,
    path = "/api/drafts/{id}",
    tag = "drafts",
    operation_id = "discardDraft",
    summary = "Throw a draft away",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "The draft's id")),
    responses(
        (status = 204, description = "Gone"),
        (status = 401, response = Unauthenticated),
        (status = 404, description = "No such draft, or it was submitted", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn discard(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    let svc = state.require_services()?;
    apply::discard(svc, applicant.user(), dossier_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which field a file answers, and its name.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct UploadParams {
    /// The id of a file field of the procedure's form.
    #[param(example = "ban_chup")]
    field: String,
    /// The file's name as the applicant knows it (default `tep`).
    #[serde(default)]
    #[param(example = "bang-tot-nghiep.pdf")]
    name: Option<String>,
}

/// The declared length of the body, if any.
fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// `POST /api/drafts/{id}/files`.
#[utoipa::path(
    post,
    path = "/api/drafts/{id}/files",
    tag = "drafts",
    operation_id = "uploadDraftFile",
    summary = "Upload a file to a file field (the body is the file's bytes)",
    description = "The body is streamed to storage, never held whole. Its type is \
                   recognised from its content, whatever `Content-Type` says, and must be one \
                   the field accepts; a file past the field's size limit is cut off and \
                   refused (413). A field that takes one file has its previous file replaced.",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The draft's id"),
        UploadParams,
    ),
    request_body(
        content = Binary,
        content_type = "application/octet-stream",
        description = "The file's bytes, under any `Content-Type`"
    ),
    responses(
        (status = 201, description = "The file as kept", body = DraftFileView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, description = "No such draft, or it was submitted", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = PayloadTooLarge),
        (status = 422, description = "Not a file field, a type it does not accept, an empty file, too many files", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn upload(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Path(id): Path<String>,
    Query(params): Query<UploadParams>,
    request: Request,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let id = dossier_id(&id)?;
    if content_length(request.headers()).is_some_and(|n| n > UPLOAD_BODY_LIMIT as u64) {
        return Err(WebError::PayloadTooLarge);
    }
    let name = params
        .name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "tep".to_owned());
    let body = request
        .into_limited_body()
        .into_data_stream()
        .map_err(std::io::Error::other);
    let mut reader = StreamReader::new(body);
    let file = apply::upload(
        svc,
        applicant.user(),
        id,
        &params.field,
        &name,
        &mut reader,
        Utc::now(),
    )
    .await
    .map_err(upload_error)?;
    let draft = apply::draft_of(svc, applicant.user(), id).await?;
    let index = draft
        .files
        .iter()
        .rposition(|f| *f == file)
        .unwrap_or(draft.files.len().saturating_sub(1));
    Ok((StatusCode::CREATED, Json(DraftFileView::of(index, &file))).into_response())
}

/// `DELETE /api/drafts/{id}/files/{index}`.
#[utoipa::path(
    delete,
    path = "/api/drafts/{id}/files/{index}",
    tag = "drafts",
    operation_id = "removeDraftFile",
    summary = "Remove a file from a draft (the files after it move up one)",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The draft's id"),
        ("index" = usize, Path, description = "The file's position (`DraftFile.index`)"),
    ),
    responses(
        (status = 200, description = "The draft without it", body = DraftView),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn remove_file(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Path((id, index)): Path<(String, usize)>,
) -> Result<Json<DraftView>, WebError> {
    let svc = state.require_services()?;
    let draft =
        apply::remove_file(svc, applicant.user(), dossier_id(&id)?, index, Utc::now()).await?;
    Ok(Json(DraftView::of(&draft, false)))
}

/// A draft that passed every check.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct CheckPassed {
    /// Always `true` (problems are a 422 problem).
    ok: bool,
}

/// `POST /api/drafts/{id}/check`.
#[utoipa::path(
    post,
    path = "/api/drafts/{id}/check",
    tag = "drafts",
    operation_id = "checkDraft",
    summary = "Check a draft against its procedure, as submission will",
    description = "Every problem is listed in the 422 problem's `errors`, each at its input \
                   (`delivery_choice` for the delivery, `agency` for the deciding agency).",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "The draft's id")),
    responses(
        (status = 200, description = "Ready to submit", body = CheckPassed),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 409, description = "The procedure is no longer offered online", body = Problem, content_type = "application/problem+json"),
        (status = 422, response = InvalidInput),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn check(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Path(id): Path<String>,
) -> Result<Json<CheckPassed>, WebError> {
    let svc = state.require_services()?;
    let draft = apply::draft_of(svc, applicant.user(), dossier_id(&id)?).await?;
    let version = apply::online_procedure(svc, &draft.procedure_code, Utc::now()).await?;
    apply::check(svc, &draft, &version.procedure).await?;
    Ok(Json(CheckPassed { ok: true }))
}

/// A submitted dossier.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Submission {
    /// The dossier's id (the draft's).
    #[schema(format = Uuid)]
    dossier_id: String,
    /// The dossier's code, for life.
    #[schema(example = "000.41.01.H82-261105-0001")]
    code: String,
    /// The tracking PIN: with the code, anyone may see the status
    /// (`POST /api/track`). Shown to the applicant only.
    #[schema(example = "48213975")]
    pin: String,
    /// When the result can be expected (an estimate until an officer
    /// accepts the dossier and the legal clock starts).
    estimate: Option<NaiveDate>,
    /// `true` when this draft had been submitted already: nothing new was
    /// made.
    already: bool,
}

/// `POST /api/drafts/{id}/submit`.
#[utoipa::path(
    post,
    path = "/api/drafts/{id}/submit",
    tag = "drafts",
    operation_id = "submitDraft",
    summary = "Submit a draft: the dossier enters with its code and PIN",
    description = "Idempotent: the draft's id is the idempotency key. The first submission \
                   answers 201; repeating it answers 200 with `already: true` and the same \
                   dossier, code and PIN.",
    security(("bearer" = [])),
    params(("id" = String, Path, format = Uuid, description = "The draft's id")),
    responses(
        (status = 201, description = "Submitted (`Location` is the dossier's address)", body = Submission),
        (status = 200, description = "Submitted before: the same dossier", body = Submission),
        (status = 401, response = Unauthenticated),
        (status = 404, response = NotFound),
        (status = 409, description = "The procedure is no longer offered online", body = Problem, content_type = "application/problem+json"),
        (status = 422, response = InvalidInput),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn submit(
    State(state): State<AppState>,
    applicant: ApiApplicant,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let done = apply::submit(svc, applicant.user(), dossier_id(&id)?, Utc::now()).await?;
    let body = Submission {
        dossier_id: done.dossier.id.to_string(),
        code: done.dossier.code.as_str().to_owned(),
        pin: done.pin,
        estimate: done.estimate,
        already: done.already,
    };
    let status = if body.already {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(created_at(
        status,
        &format!("/api/dossiers/{}", done.dossier.id),
        Json(body),
    ))
}

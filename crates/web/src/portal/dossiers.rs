//! The applicant's own dossiers: the list (with drafts), a dossier's whole
//! timeline and files, the receipt with its tracking PIN and QR code, and
//! the actions the applicant may take — answer a supplement request, amend,
//! withdraw, download the result, rate the service.

use askama::Template;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use motcua_app::applicant::{self, DossierView, Satisfactions};
use motcua_app::{AppError, apply, track};
use motcua_domain::lifecycle::ActionKind;
use motcua_store::{AttachmentId, Page, Satisfaction};
use serde::Deserialize;
use tokio_util::io::ReaderStream;

use super::account::see_other;
use super::apply::draft_id;
use super::form::Errors;
use super::words;
use crate::csrf::Posted;
use crate::error::WebError;
use crate::page::{PageCtx, render};
use crate::state::AppState;
use crate::uploads::{CsrfGate, UploadError, files_and_fields};
use crate::visitor::Applicant;

/// A line of the list.
pub(crate) struct DossierLine {
    id: String,
    code: String,
    procedure: String,
    stage: String,
    entered: String,
}

/// A draft of the list.
pub(crate) struct DraftLine {
    id: String,
    procedure: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "portal/my_dossiers.html")]
struct MyDossiersPage {
    ctx: PageCtx,
    dossiers: Vec<DossierLine>,
    drafts: Vec<DraftLine>,
    email_verified: bool,
}

/// `GET /ho-so`.
pub(crate) async fn list(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let user = applicant.user();
    let mut names = std::collections::BTreeMap::new();
    let mut name_of = async |code: &str, on| -> Result<String, WebError> {
        if let Some(n) = names.get(code) {
            return Ok(String::clone(n));
        }
        let name = match svc
            .store
            .procedure_in_force(code, on)
            .await
            .map_err(AppError::from)?
        {
            Some(v) => words::procedure_name(lang, &v.procedure),
            None => code.to_owned(),
        };
        names.insert(code.to_owned(), name.clone());
        Ok(name)
    };
    let mut dossiers = Vec::new();
    for d in applicant::my_dossiers(svc, user, Page::first(100)).await? {
        dossiers.push(DossierLine {
            id: d.id.to_string(),
            code: d.code.as_str().to_owned(),
            procedure: name_of(&d.procedure_code, d.procedure_version).await?,
            stage: words::stage(lang, d.state.stage),
            entered: ctx.instant(&d.state.entered_at),
        });
    }
    let today = motcua_domain::calendar::to_local(Utc::now()).date();
    let mut drafts = Vec::new();
    for d in apply::drafts(svc, user).await? {
        drafts.push(DraftLine {
            id: d.id.to_string(),
            procedure: name_of(&d.procedure_code, today).await?,
            updated: ctx.instant(&d.updated_at),
        });
    }
    let page = MyDossiersPage {
        email_verified: user.email_verified_at.is_some(),
        ctx,
        dossiers,
        drafts,
    };
    render(lang, StatusCode::OK, &page)
}

/// An event of the timeline, in words.
pub(crate) struct EventLine {
    at: String,
    action: String,
    reason: Option<String>,
    files: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "portal/dossier.html")]
struct DossierPage {
    ctx: PageCtx,
    id: String,
    code: String,
    procedure: String,
    stage: String,
    delivery: String,
    entered: String,
    accepted: Option<String>,
    due: Option<String>,
    estimate: Option<String>,
    events: Vec<EventLine>,
    result_files: Vec<(String, String)>,
    can_supplement: bool,
    can_amend: bool,
    can_withdraw: bool,
    can_rate: bool,
    rating: Option<String>,
    satisfactions: Vec<(&'static str, String)>,
    /// The forms addressed to the applicant: (title, path segment).
    forms: Vec<(String, &'static str)>,
    fees: super::payments::FeesView,
    errors: Errors,
    accept: String,
    /// The post's part: the papers collected, the result delivered.
    post_events: Vec<crate::office::post::PostLine>,
}

async fn dossier_page(
    svc: &motcua_app::Services,
    ctx: PageCtx,
    view: DossierView,
    errors: Errors,
) -> Result<DossierPage, WebError> {
    let lang = ctx.lang();
    let d = &view.dossier;
    let status = track::status_of(svc, d).await?;
    let file_link = |a: &motcua_store::Attachment| {
        (format!("/ho-so/{}/tep/{}", d.id, a.id), a.file_name.clone())
    };
    let events = view
        .events
        .iter()
        .map(|e| EventLine {
            at: ctx.instant(&e.at),
            action: lang.tr(&format!("action-{}", e.action.key())),
            reason: e.reason.clone(),
            files: view
                .attachments
                .iter()
                .filter(|a| a.event_seq == e.seq)
                .map(file_link)
                .collect(),
        })
        .collect();
    let accept = match &applicant::extra_files_field(view.procedure.as_ref()).kind {
        motcua_domain::catalog::FieldKind::File { accept, .. } => accept.join(","),
        _ => String::new(),
    };
    let forms = crate::printouts::links(d, &view.events, motcua_app::printouts::Reader::Applicant);
    let fees = super::payments::FeesView::of(
        &ctx,
        &motcua_app::payments::fees_given(svc, d, &view.events).await?,
    );
    let post_events = crate::office::post::post_lines(svc, &ctx, d.id).await?;
    Ok(DossierPage {
        post_events,
        id: d.id.to_string(),
        code: d.code.as_str().to_owned(),
        procedure: view.procedure.as_ref().map_or_else(
            || d.procedure_code.clone(),
            |p| words::procedure_name(lang, p),
        ),
        stage: words::stage(lang, d.state.stage),
        delivery: words::delivery(lang, d.delivery),
        entered: ctx.instant(&d.state.entered_at),
        accepted: status.accepted_at.map(|t| ctx.instant(&t)),
        due: status.due.map(|t| ctx.instant(&t)),
        estimate: status.estimate.map(|t| ctx.date(&t)),
        events,
        result_files: view.result_files().into_iter().map(file_link).collect(),
        can_supplement: view.can(ActionKind::CompleteReceptionSupplement)
            || view.can(ActionKind::CompleteAppraisalSupplement),
        can_amend: view.can(ActionKind::Amend),
        can_withdraw: view.can(ActionKind::Withdraw),
        can_rate: view.can_rate(),
        rating: view
            .rating
            .as_ref()
            .map(|r| words::satisfaction(lang, r.overall)),
        satisfactions: Satisfaction::ALL
            .iter()
            .map(|s| (s.key(), words::satisfaction(lang, *s)))
            .collect(),
        forms,
        fees,
        errors,
        accept,
        ctx,
    })
}

/// `GET /ho-so/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let view = applicant::view(svc, applicant.user(), draft_id(&id)?).await?;
    let page = dossier_page(svc, ctx, view, Errors::none()).await?;
    render(lang, StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "portal/receipt.html")]
struct ReceiptPage {
    ctx: PageCtx,
    id: String,
    code: String,
    procedure: String,
    entered: String,
    estimate: Option<String>,
    delivery: String,
    pin: Option<String>,
    qr_svg: Option<String>,
    track_url: String,
    head_hash: String,
}

/// `GET /ho-so/{id}/bien-nhan`: the receipt, with the PIN and its QR code
/// while the draft that made the dossier is kept.
pub(crate) async fn receipt(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let id = draft_id(&id)?;
    let dossier = applicant::mine(svc, applicant.user(), id).await?;
    let status = track::status_of(svc, &dossier).await?;
    let pin = apply::draft_of(svc, applicant.user(), id)
        .await
        .ok()
        .map(|d| d.pin);
    let track_url = svc
        .settings
        .link(&format!("/tra-cuu?ma={}", dossier.code.as_str()));
    let qr_svg = pin.as_ref().and_then(|pin| {
        let target = format!("{track_url}&pin={pin}");
        qrcode::QrCode::new(target.as_bytes()).ok().map(|code| {
            code.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(160, 160)
                .quiet_zone(true)
                .build()
        })
    });
    let page = ReceiptPage {
        id: id.to_string(),
        code: dossier.code.as_str().to_owned(),
        procedure: status.procedure_name.clone(),
        entered: ctx.instant(&dossier.state.entered_at),
        estimate: status.estimate.map(|d| ctx.date(&d)),
        delivery: words::delivery(lang, dossier.delivery),
        pin,
        qr_svg,
        track_url,
        head_hash: dossier.head_hash.to_hex(),
        ctx,
    };
    render(lang, StatusCode::OK, &page)
}

/// `GET /ho-so/{id}/tep/{attachment}`: a file of the dossier, streamed.
pub(crate) async fn download(
    State(state): State<AppState>,
    applicant: Applicant,
    Path((id, attachment)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let attachment: AttachmentId = attachment.parse().map_err(|_| WebError::NotFound)?;
    let (file, reader) =
        applicant::attachment(svc, applicant.user(), draft_id(&id)?, attachment).await?;
    Ok(file_response(&file, reader))
}

/// A stored file as a download: its type and length, never cached, named
/// for the browser in ASCII and in full (RFC 6266).
pub(crate) fn file_response(
    file: &motcua_store::Attachment,
    reader: motcua_blobs::BlobReader,
) -> Response {
    let mut response = Body::from_stream(ReaderStream::new(reader)).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&file.media_type) {
        headers.insert(CONTENT_TYPE, v);
    }
    headers.insert(CONTENT_LENGTH, HeaderValue::from(file.size));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        file.file_name
            .chars()
            .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            })
            .collect::<String>(),
        crate::lang::percent_encode(&file.file_name)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, v);
    }
    response
}

/// A refusal of the use cases (shown on the page) or of the web layer.
type AppOrWeb = UploadError;

/// What the dossier page shows after an action: the new state, or the
/// page again with the action's problems.
async fn after_action(
    svc: &motcua_app::Services,
    applicant: &Applicant,
    ctx: PageCtx,
    id: motcua_store::DossierId,
    result: Result<(), AppOrWeb>,
) -> Result<Response, WebError> {
    let lang = ctx.lang();
    match result {
        Ok(()) => Ok(see_other(&format!("/ho-so/{id}"))),
        Err(AppOrWeb::Web(e)) => Err(e),
        Err(AppOrWeb::App(AppError::Invalid(problems))) => {
            let view = applicant::view(svc, applicant.user(), id).await?;
            let page = dossier_page(svc, ctx, view, Errors::from_problems(lang, &problems)).await?;
            render(lang, StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(AppOrWeb::App(e)) => Err(e.into()),
    }
}

/// `POST /ho-so/{id}/bo-sung` (multipart): the documents asked for.
pub(crate) async fn supplement(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let id = draft_id(&id)?;
    let view = applicant::view(svc, applicant.user(), id).await?;
    let field = applicant::extra_files_field(view.procedure.as_ref());
    let result = async {
        let (_, files) =
            files_and_fields(svc, multipart, &field, Some(CsrfGate::new(&headers))).await?;
        applicant::supplement(svc, applicant.user(), id, files, Utc::now())
            .await
            .map(|_| ())
            .map_err(AppOrWeb::App)
    }
    .await;
    after_action(svc, &applicant, ctx, id, result).await
}

/// `POST /ho-so/{id}/sua-doi` (multipart): a summary and corrected files.
pub(crate) async fn amend(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let id = draft_id(&id)?;
    let view = applicant::view(svc, applicant.user(), id).await?;
    let field = applicant::extra_files_field(view.procedure.as_ref());
    let result = async {
        let (fields, files) =
            files_and_fields(svc, multipart, &field, Some(CsrfGate::new(&headers))).await?;
        let summary = fields.get("summary").map(String::as_str).unwrap_or("");
        applicant::amend(svc, applicant.user(), id, summary, files, Utc::now())
            .await
            .map(|_| ())
            .map_err(AppOrWeb::App)
    }
    .await;
    after_action(svc, &applicant, ctx, id, result).await
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// `POST /ho-so/{id}/rut`: withdraws the dossier.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    Path(id): Path<String>,
    Posted(form): Posted<ReasonForm>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let id = draft_id(&id)?;
    let result = applicant::withdraw(svc, applicant.user(), id, &form.reason, Utc::now())
        .await
        .map(|_| ())
        .map_err(AppOrWeb::App);
    after_action(svc, &applicant, ctx, id, result).await
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RatingForm {
    #[serde(default)]
    overall: String,
    #[serde(default)]
    convenience: String,
    #[serde(default)]
    timeliness: String,
    #[serde(default)]
    attitude: String,
    #[serde(default)]
    comment: String,
}

/// `POST /ho-so/{id}/danh-gia`: rates the service once it is returned.
pub(crate) async fn rate(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    Path(id): Path<String>,
    Posted(form): Posted<RatingForm>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let id = draft_id(&id)?;
    let mut problems = Vec::new();
    let mut pick = |name: &str, value: &str| {
        Satisfaction::from_key(value).unwrap_or_else(|| {
            problems.push(motcua_domain::forms::FieldProblem {
                field: name.to_owned(),
                problem: motcua_domain::forms::Problem::Required,
            });
            Satisfaction::Satisfied
        })
    };
    let answers = Satisfactions {
        overall: pick("overall", &form.overall),
        convenience: pick("convenience", &form.convenience),
        timeliness: pick("timeliness", &form.timeliness),
        attitude: pick("attitude", &form.attitude),
    };
    let result = if problems.is_empty() {
        applicant::rate(
            svc,
            applicant.user(),
            id,
            answers,
            &form.comment,
            Utc::now(),
        )
        .await
        .map(|_| ())
        .map_err(AppOrWeb::App)
    } else {
        Err(AppOrWeb::App(AppError::Invalid(problems)))
    };
    after_action(svc, &applicant, ctx, id, result).await
}

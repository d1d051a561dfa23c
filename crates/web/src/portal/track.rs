//! The public look-up by dossier code and PIN: status and dates, no
//! personal data. A QR code on the receipt opens it with both filled in.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use motcua_app::{AppError, track};
use serde::Deserialize;

use super::form::Errors;
use super::words;
use crate::csrf::Posted;
use crate::error::WebError;
use crate::extract::Query;
use crate::page::{PageCtx, render};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct TrackParams {
    #[serde(default)]
    ma: String,
    #[serde(default)]
    pin: String,
}

/// The status as the public sees it.
pub(crate) struct StatusView {
    code: String,
    procedure: String,
    stage: String,
    entered: String,
    accepted: Option<String>,
    due: Option<String>,
    estimate: Option<String>,
    decided: Option<String>,
    returned: Option<String>,
    head_hash: String,
}

#[derive(Template)]
#[template(path = "portal/track.html")]
struct TrackPage {
    ctx: PageCtx,
    code: String,
    errors: Errors,
    status: Option<StatusView>,
}

async fn look_up(
    state: &AppState,
    ctx: PageCtx,
    code: String,
    pin: String,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    match track::track(svc, &code, &pin, Utc::now()).await {
        Ok(s) => {
            let status = StatusView {
                code: s.code.clone(),
                procedure: match (lang, &s.procedure_name_en) {
                    (motcua_i18n::Lang::En, Some(en)) => en.clone(),
                    _ => s.procedure_name.clone(),
                },
                stage: words::stage(lang, s.stage),
                entered: ctx.instant(&s.entered_at),
                accepted: s.accepted_at.map(|t| ctx.instant(&t)),
                due: s.due.map(|t| ctx.instant(&t)),
                estimate: s.estimate.map(|d| ctx.date(&d)),
                decided: s.decided_at.map(|t| ctx.instant(&t)),
                returned: s.returned_at.map(|t| ctx.instant(&t)),
                head_hash: s.head_hash.to_hex(),
            };
            render(
                lang,
                StatusCode::OK,
                &TrackPage {
                    ctx,
                    code: s.code,
                    errors: Errors::none(),
                    status: Some(status),
                },
            )
        }
        Err(err @ (AppError::NotFound(_) | AppError::Throttled { .. })) => {
            let status = if matches!(err, AppError::Throttled { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::NOT_FOUND
            };
            let message = if matches!(err, AppError::NotFound(_)) {
                ctx.t("track-not-found")
            } else {
                lang.describe(&err)
            };
            render(
                lang,
                status,
                &TrackPage {
                    ctx,
                    code,
                    errors: Errors::general(message),
                    status: None,
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /tra-cuu`: the form, or the status when the QR code filled both.
pub(crate) async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(params): Query<TrackParams>,
) -> Result<Response, WebError> {
    if !params.ma.is_empty() && !params.pin.is_empty() {
        return look_up(&state, ctx, params.ma, params.pin).await;
    }
    let lang = ctx.lang();
    render(
        lang,
        StatusCode::OK,
        &TrackPage {
            ctx,
            code: params.ma,
            errors: Errors::none(),
            status: None,
        },
    )
}

/// `POST /tra-cuu`.
pub(crate) async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Posted(params): Posted<TrackParams>,
) -> Result<Response, WebError> {
    look_up(&state, ctx, params.ma, params.pin).await
}

//! A postal operator's status pushes: the operator's system tells the
//! province that a dossier was picked up, a delivery failed, a result was
//! delivered or taken back. Signed with the secret the two share
//! (`motcua serve --postal-push-secret`), not with a session: see
//! [`motcua_app::postal::push`] for the scheme.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::Utc;
use motcua_app::postal::carrier::{self, PushRefusal, Received};
use motcua_app::postal::push::{SIGNATURE_HEADER, TIMESTAMP_HEADER};
use serde::Serialize;
use utoipa::ToSchema;

use super::schema::{BadRequest, Problem, Unavailable};
use crate::error::{DomainText, ProblemKind, WebError};
use crate::extract::Json;
use crate::state::AppState;

/// What a push did.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PushAnswer {
    /// `recorded`, or `already` when the event had been recorded before.
    #[schema(example = "recorded")]
    result: &'static str,
    /// The consignment's status after the push (when recorded).
    #[schema(example = "not-delivered")]
    status: Option<&'static str>,
}

/// `POST /api/postal/pushes`.
#[utoipa::path(
    post,
    path = "/api/postal/pushes",
    tag = "postal",
    operation_id = "receivePostalPush",
    summary = "Receive a postal operator's status push",
    description = "Signed, not authenticated: `X-Motcua-Timestamp` (Unix seconds) and \
                   `X-Motcua-Signature: sha256=<hex>`, the HMAC-SHA256 of \
                   `<timestamp>.<body>` with the shared secret; more than 300 s from our \
                   clock is refused. The body is JSON: `event_id`, `waybill` (or \
                   `consignment`, our id, for a pickup), `status` (`picked-up`, \
                   `not-delivered`, `delivered`, `returned`), `at` (RFC 3339), and as \
                   the status needs `note`, `recipient`, `identity`, `postage_vnd`, \
                   `fees_vnd`. The same event sent again changes nothing (200, \
                   `already`); the same signed request sent again is a replay (409).",
    request_body(content = String, content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded, or recorded before", body = PushAnswer),
        (status = 400, response = BadRequest),
        (status = 401, description = "Unsigned, wrongly signed or stale", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No consignment has this id or waybill (or pushes are not taken here)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A replay, a step the consignment's rules refuse, or a change meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<PushAnswer>, WebError> {
    let svc = state.require_services()?;
    // Not configured: no operator may push here.
    let secret = state.postal_push_secret().ok_or(WebError::NotFound)?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let received = carrier::receive(
        svc,
        secret,
        &header(TIMESTAMP_HEADER),
        &header(SIGNATURE_HEADER),
        &body,
        Utc::now(),
    )
    .await;
    match received {
        Ok(Received::Recorded(record)) => Ok(Json(PushAnswer {
            result: "recorded",
            status: Some(record.state.status.key()),
        })),
        Ok(Received::Already) => Ok(Json(PushAnswer {
            result: "already",
            status: None,
        })),
        Err(PushRefusal::App(e)) => Err(e.into()),
        Err(PushRefusal::Body(reason)) => Err(WebError::BadRequest { reason }),
        Err(refusal) => {
            tracing::warn!(code = refusal.code(), "postal push refused: {refusal}");
            let kind = match &refusal {
                PushRefusal::Unsigned(_) => ProblemKind::Unauthenticated,
                PushRefusal::UnknownConsignment => ProblemKind::NotFound,
                _ => ProblemKind::Conflict,
            };
            Err(WebError::Refused {
                kind,
                message: DomainText::of(&refusal),
                retry_after: None,
            })
        }
    }
}

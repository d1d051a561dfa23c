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

/// A consignment awaiting the post, as the operator's system reads it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Waiting {
    /// Our id of the consignment (what a pickup's push names).
    id: String,
    /// `pickup` (papers to collect) or `delivery` (a result to deliver).
    #[schema(example = "pickup")]
    leg: &'static str,
    #[schema(example = "booked")]
    status: &'static str,
    waybill: Option<String>,
    /// The electronic identifier of the agency at the other end.
    #[schema(example = "000.41.01.H82")]
    agency: String,
    /// The dossier's code, or the procedure's code before it has one.
    label: String,
    applicant: String,
    phone: Option<String>,
    /// The address to collect from or deliver to, as written.
    address: String,
    /// When the applicant wants the papers collected.
    window_from: Option<chrono::DateTime<Utc>>,
    window_to: Option<chrono::DateTime<Utc>>,
    postage_vnd: u64,
    failed_attempts: usize,
}

/// What awaits the post.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WaitingList {
    consignments: Vec<Waiting>,
}

/// `GET /api/postal/consignments`.
#[utoipa::path(
    get,
    path = "/api/postal/consignments",
    tag = "postal",
    operation_id = "listPostalConsignments",
    summary = "List what awaits a postal operator",
    description = "Signed as a push is, with the request's path and query \
                   (`/api/postal/consignments?status=booked`) in place of the body. Every \
                   agency of the province, oldest first, at most 1000: papers to collect \
                   (`booked`), collected (`picked-up`), results waiting for the post \
                   (`awaiting-post`), with the post (`with-post`) or after a failed attempt \
                   (`not-delivered`); `status` (repeatable) narrows it, `back-at-agency` \
                   included on request.",
    params(("status" = Option<Vec<String>>, Query, description = "Statuses to list")),
    responses(
        (status = 200, description = "What awaits the post", body = WaitingList),
        (status = 400, response = BadRequest),
        (status = 401, description = "Unsigned, wrongly signed or stale", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The operator's integration is not set up here", body = Problem, content_type = "application/problem+json"),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn pull(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Result<impl axum::response::IntoResponse, WebError> {
    let svc = state.require_services()?;
    let secret = state.postal_push_secret().ok_or(WebError::NotFound)?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut statuses = Vec::new();
    for pair in uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let status = carrier::PULLED
            .into_iter()
            .find(|s| s.key() == value)
            .filter(|_| name == "status")
            .ok_or_else(|| WebError::BadRequest {
                reason: format!("`{pair}`: only `status` is taken, one of the listed statuses"),
            })?;
        statuses.push(status);
    }
    let target = uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let items = carrier::waiting(
        svc,
        secret,
        &header(TIMESTAMP_HEADER),
        &header(SIGNATURE_HEADER),
        target.as_bytes(),
        &statuses,
        Utc::now(),
    )
    .await
    .map_err(|refusal| match refusal {
        PushRefusal::App(e) => WebError::from(e),
        refusal => WebError::Refused {
            kind: ProblemKind::Unauthenticated,
            message: DomainText::of(&refusal),
            retry_after: None,
        },
    })?;
    let agencies: std::collections::BTreeMap<_, _> = motcua_app::apply::all_agencies(svc)
        .await?
        .into_iter()
        .map(|a| (a.id, a.identifier.as_str().to_owned()))
        .collect();
    // Names, phones and addresses: no cache keeps them (the request's
    // signature, not its address, is what lets a caller in).
    let no_store = [(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    )];
    Ok((
        no_store,
        Json(WaitingList {
            consignments: items
                .into_iter()
                .map(|i| {
                    let c = i.consignment;
                    Waiting {
                        id: c.id.to_string(),
                        leg: c.state.leg.key(),
                        status: c.state.status.key(),
                        waybill: c.state.waybill.clone(),
                        agency: agencies.get(&c.agency).cloned().unwrap_or_default(),
                        label: i.label,
                        applicant: i.applicant,
                        phone: i.phone,
                        address: motcua_app::postal::board::address_text(&c),
                        window_from: c.window.map(|w| w.from),
                        window_to: c.window.map(|w| w.to),
                        postage_vnd: c.postage_vnd,
                        failed_attempts: c.state.failed_attempts.len(),
                    }
                })
                .collect(),
        }),
    ))
}

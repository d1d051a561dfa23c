//! `GET /api/dossiers/{id}/timeline`: a dossier's events with their stored
//! documents and hashes, for its applicant and for the officials who may
//! see it, so a program can recompute the hash chain itself and compare its
//! head with the one on the printed receipt or the public look-up.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use motcua_app::timeline;
use serde::Serialize;
use utoipa::ToSchema;

use super::schema::{ActionKey, Forbidden, NotFound, RoleKey, Unauthenticated, Unavailable};
use crate::error::WebError;
use crate::extract::Json;
use crate::state::AppState;
use crate::visitor::{SignedIn, Via, Visitor};

/// Extractor: any signed-in account (applicant or official) that
/// authenticated with `Authorization: Bearer`; what it may see is decided
/// by the use case.
#[derive(Debug, Clone)]
pub struct ApiAccount(pub Arc<SignedIn>);

impl FromRequestParts<AppState> for ApiAccount {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Visitor(found) = Visitor::from_request_parts(parts, state).await?;
        match found {
            Some(s) if s.via == Via::Bearer => Ok(ApiAccount(s)),
            _ => Err(WebError::Unauthenticated),
        }
    }
}

/// One event as stored and hashed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct TimelineEvent {
    /// From 1.
    seq: u32,
    at: DateTime<Utc>,
    /// The instant as hashed: microseconds since 1970-01-01T00:00:00Z.
    at_micros: i64,
    /// The official or applicant who acted (absent for motcua itself).
    #[schema(format = Uuid)]
    actor: Option<String>,
    #[schema(value_type = RoleKey)]
    role: String,
    #[schema(value_type = ActionKey)]
    action: String,
    reason: Option<String>,
    /// The event document exactly as hashed (its canonical JSON form is
    /// what the hash covers).
    #[schema(value_type = Object)]
    payload: serde_json::Value,
    /// SHA-256, hex; the first event's is 64 zeros.
    prev_hash: String,
    hash: String,
}

/// A dossier's timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Timeline {
    #[schema(format = Uuid)]
    dossier_id: String,
    #[schema(example = "000.41.01.H82-261105-0001")]
    code: String,
    /// The last event's hash: what the receipt and the public look-up show.
    head_hash: String,
    /// Whether the server's own check of the chain, the head and the replay
    /// passes.
    verifies: bool,
    /// The hashing rule the events follow.
    #[schema(example = "motcua/dossier-event/1")]
    hash_rule: &'static str,
    events: Vec<TimelineEvent>,
}

/// `GET /api/dossiers/{id}/timeline`.
#[utoipa::path(
    get,
    path = "/api/dossiers/{id}/timeline",
    tag = "dossiers",
    operation_id = "getDossierTimeline",
    summary = "A dossier's events with their hashes, to recompute its chain",
    description = "For the dossier's applicant and for officials of an agency that receives, \
                   decides or was sent a step of it; anyone else gets 404. Each event's hash \
                   is the SHA-256 of the canonical encoding `motcua/dossier-event/1` of the \
                   dossier id, `seq`, `at_micros`, `actor`, `role`, `action`, `reason`, the \
                   canonical JSON of `payload` and `prev_hash` (see `crates/store/src/hash.rs` \
                   and its test vectors).",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The dossier's id, or its code")),
    responses(
        (status = 200, description = "The timeline", body = Timeline),
        (status = 401, response = Unauthenticated),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn show(
    State(state): State<AppState>,
    account: ApiAccount,
    Path(id): Path<String>,
) -> Result<Json<Timeline>, WebError> {
    let svc = state.require_services()?;
    let t = timeline::of(svc, &account.0.user, &id).await?;
    Ok(Json(Timeline {
        dossier_id: t.dossier.id.to_string(),
        code: t.dossier.code.as_str().to_owned(),
        head_hash: t.dossier.head_hash.to_hex(),
        verifies: t.verifies,
        hash_rule: "motcua/dossier-event/1",
        events: t
            .events
            .into_iter()
            .map(|e| TimelineEvent {
                seq: e.seq,
                at: e.at,
                at_micros: e.at.timestamp_micros(),
                actor: e.actor.map(|a| a.to_string()),
                role: e.role.key().to_owned(),
                action: e.action.key().to_owned(),
                reason: e.reason,
                payload: e.payload,
                prev_hash: e.prev_hash.to_hex(),
                hash: e.hash.to_hex(),
            })
            .collect(),
    }))
}

//! The public look-up by dossier code and PIN: status and dates, never who
//! filed it or what it holds. Wrong PINs are counted per code in the
//! database; past the limit the code answers 429 for a while, whatever PIN
//! is given. An unknown code and a wrong PIN get the same 404.

use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use motcua_app::track::{self, PublicStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::schema::{
    BadRequest, DeliveryChoice, OutcomeKey, Problem, StageKey, TooManyRequests, Unavailable,
    UnsupportedMediaType, serde_key,
};
use crate::error::WebError;
use crate::extract::Json;
use crate::state::AppState;

/// A dossier's code and the PIN issued at submission.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrackRequest {
    /// Case and spaces are ignored.
    #[schema(example = "000.41.01.H82-261105-0001")]
    code: String,
    #[schema(example = "48213975")]
    pin: String,
}

/// What anyone holding the code and PIN may see.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct TrackedStatus {
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
    accepted_at: Option<DateTime<Utc>>,
    /// The legal due date, once the clock runs.
    due: Option<DateTime<Utc>>,
    /// Before acceptance: when the result can be expected.
    estimate: Option<NaiveDate>,
    decided_at: Option<DateTime<Utc>>,
    returned_at: Option<DateTime<Utc>>,
    /// The hash of the timeline's last event, in hex.
    head_hash: String,
}

impl From<PublicStatus> for TrackedStatus {
    fn from(s: PublicStatus) -> Self {
        TrackedStatus {
            code: s.code,
            procedure_code: s.procedure_code,
            procedure_name: s.procedure_name,
            procedure_name_en: s.procedure_name_en,
            stage: s.stage.key().to_owned(),
            outcome: s.outcome.map(|o| serde_key(&o)),
            delivery: s.delivery.into(),
            entered_at: s.entered_at,
            accepted_at: s.accepted_at,
            due: s.due,
            estimate: s.estimate,
            decided_at: s.decided_at,
            returned_at: s.returned_at,
            head_hash: s.head_hash.to_hex(),
        }
    }
}

/// `POST /api/track`.
#[utoipa::path(
    post,
    path = "/api/track",
    tag = "tracking",
    operation_id = "trackDossier",
    summary = "Look a dossier up by its code and PIN",
    description = "No personal data is shown. After 5 wrong PINs in an hour the code answers \
                   429 until the hour has passed.",
    request_body = TrackRequest,
    responses(
        (status = 200, description = "The public status", body = TrackedStatus),
        (status = 400, response = BadRequest),
        (status = 404, description = "No dossier with this code and PIN", body = Problem, content_type = "application/problem+json"),
        (status = 415, response = UnsupportedMediaType),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn track(
    State(state): State<AppState>,
    Json(body): Json<TrackRequest>,
) -> Result<Json<TrackedStatus>, WebError> {
    let svc = state.require_services()?;
    let status = track::track(svc, &body.code, &body.pin, Utc::now()).await?;
    Ok(Json(status.into()))
}

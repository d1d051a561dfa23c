//! `GET /healthz`: for load balancers and monitors. Answers as long as the
//! process serves requests; it will check the store once there is one.

use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::extract::Json;
use crate::state::AppState;

#[derive(Debug, Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    let mut response = Json(Health {
        status: "ok",
        version: state.build().version,
    })
    .into_response();
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

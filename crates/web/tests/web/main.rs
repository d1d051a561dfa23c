//! The web crate's one integration-test binary: the router in process,
//! driven with `tower::ServiceExt::oneshot` (no sockets, no HTTP client).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api;
mod auth;
mod errors;
mod office;
mod pages;
mod portal;
mod serve;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use motcua_web::{AppState, BuildInfo};
use tower::ServiceExt;

/// What a test needs of a response.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

pub fn state() -> AppState {
    AppState::new(BuildInfo::from_crate())
}

pub fn app() -> Router {
    motcua_web::router(state())
}

pub async fn send(app: Router, request: Request<Body>) -> Reply {
    let response = app.oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 4 * 1024 * 1024).await.unwrap();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

pub async fn get(path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(app(), request.body(Body::empty()).unwrap()).await
}

/// The baseline hardening every response carries.
pub fn assert_security_headers(reply: &Reply) {
    let csp = reply.header("content-security-policy");
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(reply.header("x-content-type-options"), "nosniff");
    assert_eq!(reply.header("x-frame-options"), "DENY");
    assert_eq!(
        reply.header("referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    assert!(!reply.header("x-request-id").is_empty());
}

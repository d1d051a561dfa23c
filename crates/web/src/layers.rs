//! The layers around every route, outermost first:
//!
//! 1. a request id (`x-request-id`, kept if a proxy set one), in the log
//!    span and copied onto the response;
//! 2. request tracing (method, path and status; never the query string);
//! 3. baseline security headers on every response, and gzip for text
//!    (pages, stylesheet, script, JSON) when the client accepts it — never
//!    for attachments, which are already compressed or must stay as stored;
//! 4. error rendering (problem+json under `/api/`, HTML elsewhere);
//! 5. a panic becomes a 500 (logged) instead of a dropped connection;
//! 6. the CSRF token cookie, and cross-site form posts refused
//!    ([`crate::csrf`]);
//! 7. the request timeout ([`crate::REQUEST_TIMEOUT`], answered 408);
//! 8. the default body limit ([`crate::DEFAULT_BODY_LIMIT`]).

use std::any::Any;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header::CONTENT_TYPE;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{Extensions, HeaderMap, HeaderName, HeaderValue, Request, StatusCode, Version};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::error::{WebError, render_errors};
use crate::state::AppState;

/// The request id header.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Only our own origin, no inline script or style, no framing, no plugins.
/// The security issue tightens it further (reporting, `form-action` per
/// page, …).
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'; object-src 'none'";

pub(crate) fn apply(routes: Router<AppState>, state: AppState) -> Router {
    let security_headers = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ));

    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request<_>| {
            let request_id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!(
                "http",
                method = %request.method(),
                path = %request.uri().path(),
                request_id = %request_id,
            )
        })
        .on_response(DefaultOnResponse::new().level(Level::INFO));

    let stack = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(trace)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(security_headers)
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .compress_when(compressible()),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            render_errors,
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn(crate::csrf::layer))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            crate::REQUEST_TIMEOUT,
        ))
        .layer(DefaultBodyLimit::max(crate::DEFAULT_BODY_LIMIT));

    routes.layer(stack).with_state(state)
}

/// Text worth compressing: pages, the stylesheet and script, JSON and
/// problems. Attachments (PDF, images, office files) are sent as stored.
fn compressible() -> impl Predicate {
    SizeAbove::new(256).and(
        |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
            headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|t| {
                    t.starts_with("text/")
                        || t.starts_with("application/json")
                        || t.starts_with("application/problem+json")
                        || t.starts_with("image/svg+xml")
                })
        },
    )
}

fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    WebError::internal(format!("handler panicked: {message}")).into_response()
}

//! The HTTP layer of motcua: HTML pages for citizens and officers, and the
//! JSON API under `/api/`.
//!
//! This room turns requests into calls below it and results into responses;
//! it holds no rule of law (that is `motcua-domain`) and touches no database
//! directly (a later `Store` arrives through [`AppState`]).
//!
//! # Conventions every page and endpoint follows
//!
//! - **Routes** are added in [`router`]; path parameters use axum 0.8's
//!   `/{id}` syntax.
//! - **Language**: every handler that shows text takes [`RequestLang`] or
//!   [`PageCtx`]; the language is the `lang` cookie, then `Accept-Language`,
//!   then Vietnamese ([`lang::negotiate`]). The switch is
//!   `GET /ngon-ngu?lang=en&next=/path` ([`lang::LANG_SWITCH_PATH`]).
//! - **Templates** live in `crates/web/templates/` and extend `base.html`;
//!   they take a [`PageCtx`] and ask it for every word (`ctx.t("key")`), so
//!   no template holds text in one language. Messages are in
//!   `crates/i18n/locales/{vi,en}/web.ftl`.
//! - **Errors**: handlers return `Result<_, WebError>`. A middleware renders
//!   each error once, as `application/problem+json` (RFC 9457) under `/api/`
//!   and as a localized HTML page elsewhere. See [`error`] for the problem
//!   type table.
//! - **Input**: use this crate's [`Json`], [`Query`] and [`Form`] instead of
//!   axum's, so malformed input becomes a 400/422 problem saying what was
//!   wrong.
//! - **Who is asking**: [`Credentials`] reads the `motcua_session` cookie or
//!   an `Authorization: Bearer` token; [`visitor::Visitor`] and
//!   [`visitor::Applicant`] resolve them through the use cases (once per
//!   request); [`CurrentUser`] through the [`Authenticator`] in
//!   [`AppState`]. The JSON API accepts only `Bearer` for a signed-in user.
//! - **Who may call what**: every route has a row in
//!   [`policy::ENDPOINTS`], enforced by one middleware; a route without a
//!   row is not registered. Every HTML form carries the CSRF token
//!   ([`csrf`]).
//! - **Hardening** applied to every response: `Content-Security-Policy`
//!   without `unsafe-inline`, `X-Frame-Options: DENY`,
//!   `X-Content-Type-Options: nosniff`, `Referrer-Policy`; a request body
//!   limit ([`DEFAULT_BODY_LIMIT`]) and timeout ([`REQUEST_TIMEOUT`]); an
//!   `x-request-id` on every request, in its log span and on its response.
//!   Query strings are never logged (a tracking PIN may travel in one).
#![forbid(unsafe_code)]

pub mod api;
pub mod assets;
pub mod auth;
mod cookies;
pub mod csrf;
pub mod error;
pub mod extract;
mod health;
pub mod lang;
mod layers;
mod office;
pub mod page;
mod pages;
pub mod policy;
mod portal;
mod printouts;
mod state;
pub mod stats;
mod uploads;
pub mod visitor;

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;

pub use auth::{
    AuthError, Authenticated, Authenticator, BoxFuture, Credentials, CurrentUser, Principal,
    SESSION_COOKIE, Token,
};
pub use error::{ProblemKind, WebError};
pub use extract::{Form, Json, Query};
pub use lang::RequestLang;
pub use page::PageCtx;
pub use state::{AppState, BuildInfo};

/// The largest request body the axum extractors accept (1 MiB). An upload
/// route raises it for itself with `DefaultBodyLimit::max`, never globally.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// How long one request may take before it is answered `408`.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The whole application: pages, API and the layers around them.
pub fn router(state: AppState) -> Router {
    let routes = Router::new();
    let routes = portal::add(routes, "GET", "/", get(pages::home));
    let routes = portal::add(routes, "GET", "/healthz", get(health::healthz));
    let routes = portal::add(
        routes,
        "GET",
        lang::LANG_SWITCH_PATH,
        get(lang::switch_language),
    );
    let routes = portal::add(routes, "GET", "/static/{file}", get(assets::serve));
    let routes = portal::add(routes, "GET", "/thong-ke", get(stats::dashboard));
    let routes = portal::add(
        routes,
        "GET",
        "/thong-ke/du-lieu.json",
        get(stats::open_json),
    );
    let routes = portal::add(routes, "GET", "/thong-ke/du-lieu.csv", get(stats::open_csv));
    let routes = portal::add(
        routes,
        "GET",
        "/can-bo/bao-cao-thong-ke",
        get(stats::review),
    );
    let routes = portal::routes(routes);
    let routes = office::routes(routes);
    let routes = api::routes(routes);
    let routes = routes.route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        policy::enforce,
    ));
    with_conventions(routes, state)
}

/// Wraps `routes` in the layers every route of the application gets
/// (request id, tracing, security headers, error rendering, panic catching,
/// timeout, body limit) and a not-found fallback. [`router`] is built with
/// it; tests use it to check the conventions on routes of their own.
pub fn with_conventions(routes: Router<AppState>, state: AppState) -> Router {
    layers::apply(routes.fallback(pages::not_found), state)
}

/// Serves the application on an already bound listener until `shutdown`
/// completes, then finishes the requests in flight and returns.
///
/// Binding is left to the caller so that it can report a busy port in its
/// own words and so that tests can bind port 0.
pub async fn serve<F>(listener: TcpListener, state: AppState, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    serve_app(listener, router(state), shutdown).await
}

/// [`serve`] for an application built by hand (tests: routes of their own
/// wrapped by [`with_conventions`]).
pub async fn serve_app<F>(listener: TcpListener, app: Router, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    // The peer's address reaches handlers (the payment gateway asks for
    // the payer's).
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

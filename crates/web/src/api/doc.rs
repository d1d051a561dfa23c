//! The OpenAPI 3.1 document of the API, derived from the handlers'
//! annotations, and its endpoint.
//!
//! The document is deterministic (paths, schemas and properties are kept
//! in sorted maps), so the copy committed as `docs/openapi.json` can be
//! compared byte for byte: a test fails when they differ and says how to
//! write it again (`MOTCUA_WRITE_OPENAPI=1 cargo test -p motcua-web`).

use std::sync::OnceLock;

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::schema::{
    BadRequest, Conflict, Forbidden, InvalidInput, NotFound, PayloadTooLarge, Problem,
    TooManyRequests, Unauthenticated, Unavailable, UnsupportedMediaType,
};
use super::{accounts, catalog, dossiers, drafts, office, office_dossier, postal, timeline, track};
use crate::error::WebError;

/// Adds the `bearer` scheme: the session token from `POST /api/sessions`.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The session token returned by `POST /api/sessions`, as \
                         `Authorization: Bearer <token>`. The browser's session cookie is \
                         never accepted by the API.",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "motcua API",
        description = "The citizen portal's JSON API: accounts, the procedure catalog, \
                       addresses, applying online (drafts, uploads, submission), the \
                       applicant's dossiers, their timelines with hashes and public tracking; \
                       and the back office's queue and actions for officials.\n\n\
                       Errors are RFC 9457 problems (`application/problem+json`); input with \
                       wrong content is a 422 problem whose `errors` array names every input. \
                       Instants are RFC 3339 in UTC, dates ISO 8601. Authenticate with \
                       `Authorization: Bearer <token>` (from `POST /api/sessions`); the API \
                       takes no cookies, so it needs no CSRF token.",
        license(name = "MIT", identifier = "MIT"),
    ),
    paths(
        accounts::register,
        accounts::verify_email,
        accounts::sign_in,
        accounts::sign_out,
        accounts::request_reset,
        accounts::confirm_reset,
        catalog::search,
        catalog::procedure,
        catalog::provinces,
        catalog::communes,
        drafts::list,
        drafts::start,
        drafts::show,
        drafts::save,
        drafts::discard,
        drafts::upload,
        drafts::remove_file,
        drafts::check,
        drafts::submit,
        dossiers::list,
        dossiers::show,
        dossiers::download,
        dossiers::supplement,
        dossiers::amend,
        dossiers::withdraw,
        dossiers::rate,
        timeline::show,
        office::queue,
        office::take_action,
        office::take_action_with_files,
        office::bulk,
        office_dossier::show,
        office_dossier::download,
        track::track,
        postal::receive,
        postal::pull,
        serve,
    ),
    components(
        schemas(Problem),
        responses(
            BadRequest,
            Unauthenticated,
            Forbidden,
            NotFound,
            Conflict,
            PayloadTooLarge,
            UnsupportedMediaType,
            InvalidInput,
            TooManyRequests,
            Unavailable,
        )
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "accounts", description = "Registering, signing in and out, passwords"),
        (name = "catalog", description = "The procedures that can be applied for"),
        (name = "addresses", description = "The provinces and communes in force"),
        (name = "drafts", description = "Applying online"),
        (name = "dossiers", description = "The applicant's own dossiers and their timelines"),
        (name = "tracking", description = "The public look-up by code and PIN"),
        (name = "back office", description = "An official's queue and the actions on a dossier"),
        (name = "postal", description = "A postal operator's status pushes, signed with a shared secret"),
        (name = "meta", description = "This document"),
    )
)]
struct ApiDoc;

/// The OpenAPI document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    // The version of the API is the release's.
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc
}

/// The document as pretty JSON, ending with a newline (as committed in
/// `docs/openapi.json`).
pub fn openapi_json() -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(&openapi())?;
    text.push('\n');
    Ok(text)
}

/// `GET /api/openapi.json`.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    operation_id = "openapi",
    summary = "This document (OpenAPI 3.1)",
    responses(
        (status = 200, description = "The OpenAPI document", content_type = "application/json",
         body = Object),
    )
)]
pub(crate) async fn serve() -> Result<Response, WebError> {
    // Rendered once: the document does not change while the process runs.
    static RENDERED: OnceLock<Result<String, String>> = OnceLock::new();
    let json = RENDERED
        .get_or_init(|| openapi_json().map_err(|e| e.to_string()))
        .as_deref()
        .map_err(|e| WebError::internal(e.clone()))?;
    let mut response = (StatusCode::OK, json).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}

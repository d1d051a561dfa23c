//! The JSON API under `/api/`: every action of the citizen portal for
//! programs (a mobile app, a kiosk, an integration), described in OpenAPI
//! 3.1 at `GET /api/openapi.json` ([`openapi`]).
//!
//! # Conventions
//!
//! - **JSON in and out.** Request bodies are `application/json` (read with
//!   [`crate::Json`], so malformed input is a problem), except a draft's
//!   file upload (the raw bytes) and a dossier's supplement or amendment
//!   (`multipart/form-data`). Errors are RFC 9457 problems
//!   (`application/problem+json`, [`crate::error`]); input with wrong
//!   content is a 422 problem whose `errors` array names every field.
//! - **Bearer tokens only.** A client signs in (`POST /api/sessions`) and
//!   sends the session token it gets back as `Authorization: Bearer`. The
//!   API never authenticates by the browser's session cookie
//!   ([`ApiApplicant`] refuses one with 401), so a page on another site
//!   cannot act through it and no CSRF token is needed.
//! - **Dates** are RFC 3339 instants in UTC (`2026-11-05T02:30:00Z`) and
//!   ISO dates (`2026-11-20`); the pages show dd/mm/yyyy, the API does not.
//! - **Every route** has a row in [`crate::policy::ENDPOINTS`] and a path
//!   in the OpenAPI document; a test checks that the two agree, and another
//!   that the committed `docs/openapi.json` is what [`openapi_json`] renders.

mod accounts;
mod catalog;
mod doc;
mod dossiers;
mod drafts;
mod office;
mod office_dossier;
mod postal;
mod schema;
mod timeline;
mod track;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::{delete, get, post};
use motcua_store::{User, UserKind};

use crate::error::WebError;
use crate::portal::{UPLOAD_BODY_LIMIT, add};
use crate::state::AppState;
use crate::visitor::{SignedIn, Via, Visitor};

pub use doc::{openapi, openapi_json};

/// Extractor: a signed-in citizen or business that authenticated with
/// `Authorization: Bearer`. The session cookie alone is refused with 401:
/// the API takes no cookies, so it needs no CSRF token.
#[derive(Debug, Clone)]
pub struct ApiApplicant(pub Arc<SignedIn>);

impl ApiApplicant {
    pub fn user(&self) -> &User {
        &self.0.user
    }
}

impl FromRequestParts<AppState> for ApiApplicant {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Visitor(found) = Visitor::from_request_parts(parts, state).await?;
        match found {
            Some(s) if s.via != Via::Bearer => Err(WebError::Unauthenticated),
            Some(s) if matches!(s.user.kind, UserKind::Citizen | UserKind::Business) => {
                Ok(ApiApplicant(s))
            }
            Some(_) => Err(WebError::Forbidden),
            None => Err(WebError::Unauthenticated),
        }
    }
}

/// The API's routes (each also in the policy table and the OpenAPI
/// document).
pub(crate) fn routes(router: Router<AppState>) -> Router<AppState> {
    let r = router;
    // Accounts and sessions.
    let r = add(r, "POST", "/api/accounts", post(accounts::register));
    let r = add(
        r,
        "POST",
        "/api/accounts/email-verification",
        post(accounts::verify_email),
    );
    let r = add(r, "POST", "/api/sessions", post(accounts::sign_in));
    let r = add(
        r,
        "DELETE",
        "/api/sessions/current",
        delete(accounts::sign_out),
    );
    let r = add(
        r,
        "POST",
        "/api/password-resets",
        post(accounts::request_reset),
    );
    let r = add(
        r,
        "POST",
        "/api/password-resets/confirm",
        post(accounts::confirm_reset),
    );
    // Catalog and addresses.
    let r = add(r, "GET", "/api/procedures", get(catalog::search));
    let r = add(r, "GET", "/api/procedures/{code}", get(catalog::procedure));
    let r = add(
        r,
        "GET",
        "/api/addresses/provinces",
        get(catalog::provinces),
    );
    let r = add(
        r,
        "GET",
        "/api/addresses/provinces/{code}/communes",
        get(catalog::communes),
    );
    // Drafts.
    let r = add(r, "GET", "/api/drafts", get(drafts::list));
    let r = add(r, "POST", "/api/drafts", post(drafts::start));
    let r = add(r, "GET", "/api/drafts/{id}", get(drafts::show));
    let r = add(
        r,
        "PUT",
        "/api/drafts/{id}",
        axum::routing::put(drafts::save),
    );
    let r = add(r, "DELETE", "/api/drafts/{id}", delete(drafts::discard));
    let r = add(
        r,
        "POST",
        "/api/drafts/{id}/files",
        post(drafts::upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
    );
    let r = add(
        r,
        "DELETE",
        "/api/drafts/{id}/files/{index}",
        delete(drafts::remove_file),
    );
    let r = add(r, "POST", "/api/drafts/{id}/check", post(drafts::check));
    let r = add(r, "POST", "/api/drafts/{id}/submit", post(drafts::submit));
    // Dossiers.
    let r = add(r, "GET", "/api/dossiers", get(dossiers::list));
    let r = add(r, "GET", "/api/dossiers/{id}", get(dossiers::show));
    let r = add(
        r,
        "GET",
        "/api/dossiers/{id}/attachments/{attachment}",
        get(dossiers::download),
    );
    let r = add(
        r,
        "POST",
        "/api/dossiers/{id}/supplement",
        post(dossiers::supplement).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
    );
    let r = add(
        r,
        "POST",
        "/api/dossiers/{id}/amend",
        post(dossiers::amend).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
    );
    let r = add(
        r,
        "POST",
        "/api/dossiers/{id}/withdraw",
        post(dossiers::withdraw),
    );
    let r = add(r, "POST", "/api/dossiers/{id}/rating", post(dossiers::rate));
    let r = add(r, "GET", "/api/dossiers/{id}/timeline", get(timeline::show));
    // The back office.
    let r = add(r, "GET", "/api/office/queue", get(office::queue));
    let r = add(r, "POST", "/api/office/bulk", post(office::bulk));
    let r = add(
        r,
        "GET",
        "/api/office/dossiers/{id}",
        get(office_dossier::show),
    );
    let r = add(
        r,
        "GET",
        "/api/office/dossiers/{id}/attachments/{attachment}",
        get(office_dossier::download),
    );
    let r = add(
        r,
        "POST",
        "/api/office/dossiers/{id}/actions/{action}",
        post(office::take_action),
    );
    let r = add(
        r,
        "POST",
        "/api/office/dossiers/{id}/actions/{action}/files",
        post(office::take_action_with_files).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
    );
    // Tracking and the document itself.
    let r = add(r, "POST", "/api/track", post(track::track));
    let r = add(r, "POST", "/api/postal/pushes", post(postal::receive));
    let r = add(r, "GET", "/api/postal/consignments", get(postal::pull));
    add(r, "GET", "/api/openapi.json", get(doc::serve))
}

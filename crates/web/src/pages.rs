//! The public pages. Each handler takes a [`PageCtx`] and renders a template
//! from `crates/web/templates/` that extends `base.html`.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use crate::error::WebError;
use crate::page::{PageCtx, render};

/// The home page: what the service is and what it will offer.
#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
}

pub(crate) async fn home(ctx: PageCtx) -> Result<Response, WebError> {
    render(ctx.lang(), StatusCode::OK, &HomePage { ctx })
}

/// Every path no route claims (rendered as a page or a problem by path).
pub(crate) async fn not_found() -> WebError {
    WebError::NotFound
}

//! Static files compiled into the binary. Their URLs carry a hash of their
//! content, so browsers may keep them for a year and still see a new version
//! the moment it ships.
//!
//! Files live in `crates/web/static/`: our stylesheet (and the statistics
//! review's own), and htmx
//! (`htmx.min.js`, version 2.0.11 from npm `htmx.org`, 0BSD licence in
//! `htmx.LICENSE`), loaded only by the pages that use it. Every page works
//! without it.

use std::sync::LazyLock;

use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

/// The one stylesheet of the site.
pub const CSS: &str = include_str!("../static/app.css");

/// The statistics review's own style (see `stats::review_document`).
pub const REVIEW_CSS: &str = include_str!("../static/review.css");

/// htmx, for the few places a page updates a part of itself.
pub const HTMX: &str = include_str!("../static/htmx.min.js");

/// FNV-1a, 64 bits: enough to tell versions of our own files apart.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

const CSS_HASH: u64 = fnv1a(CSS.as_bytes());
const HTMX_HASH: u64 = fnv1a(HTMX.as_bytes());
const REVIEW_CSS_HASH: u64 = fnv1a(REVIEW_CSS.as_bytes());

static CSS_PATH: LazyLock<String> = LazyLock::new(|| format!("/static/app-{CSS_HASH:016x}.css"));
static HTMX_PATH: LazyLock<String> = LazyLock::new(|| format!("/static/htmx-{HTMX_HASH:016x}.js"));
static REVIEW_CSS_PATH: LazyLock<String> =
    LazyLock::new(|| format!("/static/review-{REVIEW_CSS_HASH:016x}.css"));

/// The URL of the stylesheet, e.g. `/static/app-0123456789abcdef.css`.
pub fn css_path() -> &'static str {
    CSS_PATH.as_str()
}

/// The URL of htmx, e.g. `/static/htmx-0123456789abcdef.js`.
pub fn htmx_path() -> &'static str {
    HTMX_PATH.as_str()
}

/// The URL of the review's stylesheet.
pub fn review_css_path() -> &'static str {
    REVIEW_CSS_PATH.as_str()
}

/// `GET /static/{file}`: a file under its versioned name.
pub(crate) async fn serve(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let path = format!("/static/{file}");
    if path == css_path() {
        immutable(CSS, "text/css; charset=utf-8")
    } else if path == review_css_path() {
        immutable(REVIEW_CSS, "text/css; charset=utf-8")
    } else if path == htmx_path() {
        immutable(HTMX, "text/javascript; charset=utf-8")
    } else {
        crate::error::WebError::NotFound.into_response()
    }
}

fn immutable(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}

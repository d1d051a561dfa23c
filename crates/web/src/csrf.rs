//! Protection against cross-site request forgery for the HTML forms.
//!
//! Every browser gets a random token in the `motcua_csrf` cookie
//! (`HttpOnly`, `SameSite=Lax`) the first time it asks for anything; every
//! form carries the same token in a hidden `_csrf` input ([`FIELD`]); a
//! state-changing form whose token is missing or differs from the cookie is
//! refused with 403 (double-submit: a page on another site can make the
//! browser send the cookie, but cannot read it to write the form). Besides,
//! a state-changing request the browser marks as cross-site
//! (`Sec-Fetch-Site: cross-site`) is refused outright.
//!
//! The JSON API under `/api/` takes no cookies (only `Bearer` tokens), so
//! it needs no token.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use serde::de::DeserializeOwned;

use crate::cookies::{self, CookieSpec};
use crate::error::WebError;

/// The cookie holding the browser's token.
pub const COOKIE: &str = "motcua_csrf";
/// The hidden input every form carries.
pub const FIELD: &str = "_csrf";
/// The cookie lives a day; a form older than that is sent again.
const MAX_AGE_SECS: u64 = 24 * 60 * 60;

/// The browser's token, for templates to put in forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrfToken(pub String);

/// A token we issued looks like this (43 base64url characters).
fn looks_like_token(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The token the request's cookie carries, if it is one of ours.
fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    cookies::get(headers, COOKIE).filter(|v| looks_like_token(v))
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Middleware: gives every browser a token (and each request its token in
/// the extensions), and refuses cross-site state changes to the pages.
pub(crate) async fn layer(mut request: Request, next: Next) -> Result<Response, WebError> {
    let path = request.uri().path().to_owned();
    if is_api(&path) {
        return Ok(next.run(request).await);
    }
    if is_unsafe(request.method())
        && request
            .headers()
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
    {
        return Err(WebError::CsrfRejected);
    }
    let (token, fresh) = match cookie_token(request.headers()) {
        Some(t) => (t.to_owned(), false),
        None => (motcua_app::token().map_err(WebError::from)?, true),
    };
    let secure = cookies::request_is_https(request.headers());
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    if fresh {
        let cookie = cookies::set(
            COOKIE,
            &token,
            CookieSpec {
                max_age_secs: MAX_AGE_SECS,
                http_only: true,
                secure,
            },
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    Ok(response)
}

/// Whether `submitted` is this browser's token (compared in constant time).
pub fn verify(headers: &HeaderMap, submitted: Option<&str>) -> Result<(), WebError> {
    let expected = cookie_token(headers).ok_or(WebError::CsrfRejected)?;
    let submitted = submitted.ok_or(WebError::CsrfRejected)?;
    let same = expected.len() == submitted.len()
        && expected
            .bytes()
            .zip(submitted.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(WebError::CsrfRejected)
    }
}

/// A URL-encoded form posted from one of our pages: its `_csrf` input is
/// checked against the cookie before the form is read into `T` (which
/// ignores `_csrf`).
#[derive(Debug, Clone)]
pub struct Posted<T>(pub T);

impl<T, S> FromRequest<S> for Posted<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let is_form = headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(WebError::UnsupportedMediaType);
        }
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| WebError::PayloadTooLarge)?;
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&body).map_err(|e| WebError::BadRequest {
                reason: e.to_string(),
            })?;
        let token = pairs
            .iter()
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v.as_str());
        verify(&headers, token)?;
        let value = serde_urlencoded::from_bytes(&body).map_err(|e| WebError::InvalidInput {
            reason: e.to_string(),
        })?;
        Ok(Posted(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header::COOKIE as COOKIE_HEADER;

    #[test]
    fn the_form_token_must_match_the_cookie() {
        let token = "a".repeat(43);
        let mut headers = HeaderMap::new();
        assert!(verify(&headers, Some(&token)).is_err(), "no cookie");
        headers.insert(
            COOKIE_HEADER,
            HeaderValue::from_str(&format!("{COOKIE}={token}")).unwrap(),
        );
        assert!(verify(&headers, Some(&token)).is_ok());
        assert!(verify(&headers, None).is_err());
        assert!(verify(&headers, Some(&"b".repeat(43))).is_err());
        assert!(verify(&headers, Some("short")).is_err());
    }
}

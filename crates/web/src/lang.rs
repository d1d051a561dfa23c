//! Which language a request is answered in, and the switch between them.
//!
//! Order: the `lang` cookie (set by the switch), then the browser's
//! `Accept-Language`, then Vietnamese. The switch works without JavaScript:
//! a plain link to `GET /ngon-ngu?lang=en&next=/where/you/were` sets the
//! cookie and sends the browser back, but only to a path on this site.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_i18n::Lang;
use serde::Deserialize;

use crate::cookies::{self, CookieSpec};
use crate::error::WebError;
use crate::extract::Query;

/// The cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// The language switch (*ngôn ngữ* = language).
pub const LANG_SWITCH_PATH: &str = "/ngon-ngu";

/// How long the language choice is remembered: a year.
const LANG_COOKIE_MAX_AGE: u64 = 365 * 24 * 60 * 60;

/// The language to answer a request in.
pub fn negotiate(headers: &HeaderMap) -> Lang {
    cookies::get(headers, LANG_COOKIE)
        .and_then(Lang::from_tag)
        .or_else(|| {
            headers
                .get_all(ACCEPT_LANGUAGE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// Extractor: the request's language (never fails).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestLang(negotiate(&parts.headers)))
    }
}

/// `next` if it is a path on this site, else `/`. Refuses absolute and
/// scheme-relative URLs (`https://evil`, `//evil`, `/\evil`), anything with a
/// backslash or a control character, so the switch is no open redirect.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(next)
            if next.starts_with('/')
                && !next.starts_with("//")
                && !next.contains('\\')
                && !next.chars().any(char::is_control)
                && HeaderValue::from_str(next).is_ok() =>
        {
            next
        }
        _ => "/",
    }
}

/// The link that switches to `lang` and comes back to `here` (a path with
/// its query).
pub fn switch_href(lang: Lang, here: &str) -> String {
    format!(
        "{LANG_SWITCH_PATH}?lang={}&next={}",
        lang.tag(),
        percent_encode(here)
    )
}

/// Percent-encodes everything but RFC 3986 unreserved characters, for a
/// query parameter value.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[derive(Debug, Deserialize)]
pub(crate) struct SwitchParams {
    lang: String,
    next: Option<String>,
}

/// `GET /ngon-ngu?lang=en&next=/path`: remember the language, go back.
pub(crate) async fn switch_language(
    headers: HeaderMap,
    Query(params): Query<SwitchParams>,
) -> Result<Response, WebError> {
    let lang = Lang::from_tag(&params.lang).ok_or_else(|| WebError::BadRequest {
        reason: format!(
            "lang={} (vi, en)",
            params.lang.chars().take(16).collect::<String>()
        ),
    })?;
    let cookie = cookies::set(
        LANG_COOKIE,
        lang.tag(),
        CookieSpec {
            max_age_secs: LANG_COOKIE_MAX_AGE,
            http_only: true,
            secure: cookies::request_is_https(&headers),
        },
    );
    let next = safe_next(params.next.as_deref());
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    headers.insert(
        LOCATION,
        HeaderValue::from_str(next).unwrap_or(HeaderValue::from_static("/")),
    );
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        headers.insert(SET_COOKIE, cookie);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/ho-so?ma=1")), "/ho-so?ma=1");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil",
            "evil",
            "/a\r\nSet-Cookie: x=1",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn switch_links_keep_the_query() {
        assert_eq!(
            switch_href(Lang::En, "/a b?x=1&y=2"),
            "/ngon-ngu?lang=en&next=/a%20b%3Fx%3D1%26y%3D2"
        );
    }

    #[test]
    fn cookie_beats_accept_language_beats_default() {
        let mut headers = HeaderMap::new();
        assert_eq!(negotiate(&headers), Lang::Vi);
        headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("en-US,en;q=0.9"));
        assert_eq!(negotiate(&headers), Lang::En);
        headers.insert("cookie", HeaderValue::from_static("lang=vi"));
        assert_eq!(negotiate(&headers), Lang::Vi);
        headers.insert("cookie", HeaderValue::from_static("lang=klingon"));
        assert_eq!(negotiate(&headers), Lang::En);
    }
}

//! Reading and writing the few cookies motcua sets (`lang`, `motcua_session`).
//! Small enough that a cookie crate would be more code than it saves.

use axum::http::HeaderMap;
use axum::http::header::{COOKIE, FORWARDED};

/// The value of cookie `name`, if the request carries it (first one wins).
pub(crate) fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| key.trim() == name)
        .map(|(_, value)| value.trim().trim_matches('"'))
}

/// Whether the client reached us over TLS, as told by the reverse proxy that
/// terminates it (`X-Forwarded-Proto: https` or `Forwarded: proto=https`).
/// Only used to add `Secure` to cookies: a client that lies about it only
/// makes its own browser drop the cookie.
pub(crate) fn request_is_https(headers: &HeaderMap) -> bool {
    let forwarded_proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    let forwarded = headers
        .get_all(FORWARDED)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split([';', ',']))
        .filter_map(|pair| pair.split_once('='))
        .any(|(k, v)| {
            k.trim().eq_ignore_ascii_case("proto") && v.trim().trim_matches('"') == "https"
        });
    forwarded_proto || forwarded
}

/// Attributes of a cookie we set. `SameSite=Lax` and `Path=/` always.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CookieSpec {
    pub max_age_secs: u64,
    pub http_only: bool,
    pub secure: bool,
}

/// A `Set-Cookie` value. `value` must already be a valid cookie value
/// (callers pass language tags and tokens of safe characters).
pub(crate) fn set(name: &str, value: &str, spec: CookieSpec) -> String {
    let mut cookie = format!(
        "{name}={value}; Path=/; Max-Age={}; SameSite=Lax",
        spec.max_age_secs
    );
    if spec.http_only {
        cookie.push_str("; HttpOnly");
    }
    if spec.secure {
        cookie.push_str("; Secure");
    }
    cookie
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn finds_a_cookie_among_several_headers() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; lang=en"));
        headers.append(COOKIE, HeaderValue::from_static("lang=vi"));
        assert_eq!(get(&headers, "lang"), Some("en"));
        assert_eq!(get(&headers, "a"), Some("1"));
        assert_eq!(get(&headers, "missing"), None);
    }

    #[test]
    fn https_is_read_from_either_proxy_header() {
        let mut headers = HeaderMap::new();
        assert!(!request_is_https(&headers));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(request_is_https(&headers));
        let mut headers = HeaderMap::new();
        headers.insert(
            FORWARDED,
            HeaderValue::from_static("for=1.2.3.4;proto=https"),
        );
        assert!(request_is_https(&headers));
    }
}

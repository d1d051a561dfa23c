//! Who is asking: credentials on the request, and the service that turns
//! them into a user.
//!
//! Browsers carry the session cookie [`SESSION_COOKIE`] (`HttpOnly`,
//! `SameSite=Lax`, `Secure` behind TLS); API clients send
//! `Authorization: Bearer <token>`. The [`Credentials`] extractor reads
//! either, without judging them. An [`Authenticator`] decides whether they
//! belong to a user; [`CurrentUser`] and [`Authenticated`] ask it.
//! [`AppState::with_services`](crate::AppState::with_services) wires in the
//! one that looks sessions up through the use cases
//! (`motcua_app::accounts::session_user`); without it every request is
//! anonymous. The portal's handlers ask for a
//! [`crate::visitor::Applicant`] instead, which carries the whole account.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::cookies::{self, CookieSpec};
use crate::error::{BoxError, WebError};
use crate::state::AppState;

/// The browser session cookie.
pub const SESSION_COOKIE: &str = "motcua_session";

/// The longest token we read; anything longer is not one of ours.
const MAX_TOKEN_LEN: usize = 512;

/// A secret token (session id or API token). Its `Debug` hides the value so
/// that it never reaches a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A token, if `text` could be one: 1 to 512 characters of the RFC 6750
    /// `b64token` alphabet (letters, digits, `-._~+/`, trailing `=`).
    pub fn parse(text: &str) -> Option<Token> {
        let body = text.trim_end_matches('=');
        let valid = !body.is_empty()
            && text.len() <= MAX_TOKEN_LEN
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b));
        valid.then(|| Token(text.to_owned()))
    }

    /// The secret itself, for the authenticator to look up.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

/// What the request presented. Extracting never fails on a missing or
/// unreadable cookie (that is an anonymous visitor); it fails with 401 only
/// on an `Authorization` header that is not `Bearer <token>`, because such a
/// client meant to authenticate and should hear why it did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// Nothing presented.
    Anonymous,
    /// The browser session cookie.
    Session(Token),
    /// An API bearer token.
    Bearer(Token),
}

impl Credentials {
    /// Reads the credentials of a request: a bearer token first (an explicit
    /// choice of the client), then the session cookie.
    pub fn from_headers(headers: &axum::http::HeaderMap) -> Result<Credentials, WebError> {
        if let Some(value) = headers.get(AUTHORIZATION) {
            let value = value.to_str().map_err(|_| WebError::MalformedCredentials)?;
            let (scheme, token) = value
                .trim()
                .split_once(' ')
                .ok_or(WebError::MalformedCredentials)?;
            if !scheme.eq_ignore_ascii_case("bearer") {
                return Err(WebError::MalformedCredentials);
            }
            let token = Token::parse(token.trim()).ok_or(WebError::MalformedCredentials)?;
            return Ok(Credentials::Bearer(token));
        }
        Ok(cookies::get(headers, SESSION_COOKIE)
            .and_then(Token::parse)
            .map_or(Credentials::Anonymous, Credentials::Session))
    }

    pub fn is_anonymous(&self) -> bool {
        matches!(self, Credentials::Anonymous)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Credentials {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Credentials::from_headers(&parts.headers)
    }
}

/// A signed-in user, as the authenticator knows them. Roles and agencies
/// arrive with the Store; construct with [`Principal::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Principal {
    /// The user's stable id (opaque to the web layer).
    pub id: String,
    /// How to greet them.
    pub display_name: String,
}

impl Principal {
    pub fn new(id: impl Into<String>, display_name: impl Into<String>) -> Self {
        Principal {
            id: id.into(),
            display_name: display_name.into(),
        }
    }
}

/// The authenticator could not answer (the database is down, …). Not the
/// same as "unknown credentials", which is `Ok(None)`.
#[derive(Debug, thiserror::Error)]
#[error("could not resolve credentials")]
pub struct AuthError(#[source] pub BoxError);

/// A boxed future, so that [`Authenticator`] stays object-safe without the
/// `async_trait` macro.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Turns credentials into a user. The Store implements it; it lives in
/// [`AppState`] as `Arc<dyn Authenticator>`.
///
/// `Ok(None)` means the credentials belong to nobody (unknown, expired or
/// revoked, or [`Credentials::Anonymous`]).
///
/// ```ignore
/// impl Authenticator for SqliteStore {
///     fn resolve<'a>(&'a self, credentials: &'a Credentials)
///         -> BoxFuture<'a, Result<Option<Principal>, AuthError>>
///     {
///         Box::pin(async move { /* look the token up */ Ok(None) })
///     }
/// }
/// ```
pub trait Authenticator: Send + Sync + 'static {
    fn resolve<'a>(
        &'a self,
        credentials: &'a Credentials,
    ) -> BoxFuture<'a, Result<Option<Principal>, AuthError>>;
}

/// Extractor: the user behind the request, if any. Asks the authenticator
/// once per request (the answer is kept in the request's extensions).
/// Without an authenticator every request is anonymous.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser(pub Option<Principal>);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(known) = parts.extensions.get::<CurrentUser>() {
            return Ok(known.clone());
        }
        let credentials = Credentials::from_request_parts(parts, state).await?;
        let principal = match (state.authenticator(), &credentials) {
            (_, Credentials::Anonymous) | (None, _) => None,
            (Some(authenticator), credentials) => authenticator
                .resolve(credentials)
                .await
                .map_err(|err| WebError::Unavailable(err.into()))?,
        };
        let user = CurrentUser(principal);
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

/// Extractor: the signed-in user, or 401.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated(pub Principal);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match CurrentUser::from_request_parts(parts, state).await? {
            CurrentUser(Some(principal)) => Ok(Authenticated(principal)),
            CurrentUser(None) => Err(WebError::Unauthenticated),
        }
    }
}

/// How long a session cookie lives in the browser (the server decides how
/// long the session itself is valid): 12 hours, one working day.
pub const SESSION_MAX_AGE_SECS: u64 = 12 * 60 * 60;

/// The `Set-Cookie` value that starts a browser session (for the login page
/// to come). `secure` when the request came over TLS
/// (`X-Forwarded-Proto: https`).
pub fn session_cookie(token: &Token, secure: bool) -> String {
    cookies::set(
        SESSION_COOKIE,
        token.expose(),
        CookieSpec {
            max_age_secs: SESSION_MAX_AGE_SECS,
            http_only: true,
            secure,
        },
    )
}

/// The `Set-Cookie` value that ends a browser session.
pub fn clear_session_cookie(secure: bool) -> String {
    cookies::set(
        SESSION_COOKIE,
        "",
        CookieSpec {
            max_age_secs: 0,
            http_only: true,
            secure,
        },
    )
}

/// Whether the request came over TLS, as the reverse proxy tells it; use it
/// for the `secure` argument above.
pub fn request_is_https(headers: &axum::http::HeaderMap) -> bool {
    cookies::request_is_https(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_and_hidden() {
        assert!(Token::parse("abc-DEF_123.~+/==").is_some());
        assert!(Token::parse("").is_none());
        assert!(Token::parse("===").is_none());
        assert!(Token::parse("a b").is_none());
        assert!(Token::parse("a=b").is_none());
        assert!(Token::parse(&"a".repeat(MAX_TOKEN_LEN + 1)).is_none());
        let token = Token::parse("s3cret").unwrap();
        assert!(!format!("{:?}", Credentials::Bearer(token)).contains("s3cret"));
    }

    #[test]
    fn session_cookie_has_the_agreed_attributes() {
        let token = Token::parse("abc").unwrap();
        let cookie = session_cookie(&token, true);
        assert_eq!(
            cookie,
            "motcua_session=abc; Path=/; Max-Age=43200; SameSite=Lax; HttpOnly; Secure"
        );
        assert!(!session_cookie(&token, false).contains("Secure"));
        assert!(clear_session_cookie(false).contains("Max-Age=0"));
    }
}

//! Who is asking, resolved through the use cases: the account behind the
//! session cookie or the `Bearer` token, looked up once per request.
//!
//! [`Visitor`] never fails on unknown credentials (that is an anonymous
//! visitor); [`Applicant`] requires a signed-in citizen or business.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use motcua_app::{Services, accounts};
use motcua_store::{Session, User, UserKind};

use crate::auth::{AuthError, Authenticator, BoxFuture, Credentials, Principal, Token};
use crate::error::WebError;
use crate::state::AppState;

/// How the credentials came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The browser's session cookie (forms must carry the CSRF token).
    Cookie,
    /// `Authorization: Bearer` (an API client; no cookies, no CSRF).
    Bearer,
}

/// A signed-in account and the session it came with.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub session: Session,
    pub token: Token,
    pub via: Via,
}

/// The visitor of a request: signed in or not.
#[derive(Debug, Clone, Default)]
pub struct Visitor(pub Option<Arc<SignedIn>>);

impl Visitor {
    pub fn signed_in(&self) -> Option<&SignedIn> {
        self.0.as_deref()
    }

    pub fn user(&self) -> Option<&User> {
        self.0.as_deref().map(|s| &s.user)
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(known) = parts.extensions.get::<Visitor>() {
            return Ok(known.clone());
        }
        let credentials = Credentials::from_headers(&parts.headers)?;
        let visitor = resolve(state.services().map(|s| s.as_ref()), &credentials).await?;
        parts.extensions.insert(visitor.clone());
        Ok(visitor)
    }
}

/// Resolves credentials to a visitor through the use cases.
pub(crate) async fn resolve(
    services: Option<&Services>,
    credentials: &Credentials,
) -> Result<Visitor, WebError> {
    let (token, via) = match credentials {
        Credentials::Anonymous => return Ok(Visitor(None)),
        Credentials::Session(t) => (t, Via::Cookie),
        Credentials::Bearer(t) => (t, Via::Bearer),
    };
    let Some(services) = services else {
        return Ok(Visitor(None));
    };
    let found = accounts::session_user(services, token.expose(), chrono::Utc::now()).await?;
    Ok(Visitor(found.map(|(user, session)| {
        Arc::new(SignedIn {
            user,
            session,
            token: token.clone(),
            via,
        })
    })))
}

/// Extractor: a signed-in citizen or business (the portal's applicant), or
/// 401.
#[derive(Debug, Clone)]
pub struct Applicant(pub Arc<SignedIn>);

impl Applicant {
    pub fn user(&self) -> &User {
        &self.0.user
    }
}

impl FromRequestParts<AppState> for Applicant {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Visitor(found) = Visitor::from_request_parts(parts, state).await?;
        match found {
            Some(s) if matches!(s.user.kind, UserKind::Citizen | UserKind::Business) => {
                Ok(Applicant(s))
            }
            Some(_) => Err(WebError::Forbidden),
            None => Err(WebError::Unauthenticated),
        }
    }
}

/// The [`Authenticator`] the portal wires in: sessions of the store, so
/// [`crate::CurrentUser`] knows who is signed in.
pub(crate) struct SessionAuthenticator(pub Arc<Services>);

impl Authenticator for SessionAuthenticator {
    fn resolve<'a>(
        &'a self,
        credentials: &'a Credentials,
    ) -> BoxFuture<'a, Result<Option<Principal>, AuthError>> {
        Box::pin(async move {
            let visitor = resolve(Some(&self.0), credentials)
                .await
                .map_err(|e| AuthError(Box::new(e)))?;
            Ok(visitor
                .user()
                .map(|u| Principal::new(u.id.to_string(), u.full_name.clone())))
        })
    }
}

/// Extractor: a signed-in official with their roles (the back office), or
/// 401 / 403.
#[derive(Debug, Clone)]
pub struct OfficialVisitor {
    pub signed_in: Arc<SignedIn>,
    pub official: motcua_app::office::Official,
}

impl FromRequestParts<AppState> for OfficialVisitor {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Visitor(found) = Visitor::from_request_parts(parts, state).await?;
        let signed_in = match found {
            Some(s) if s.user.kind == UserKind::Official => s,
            Some(_) => return Err(WebError::Forbidden),
            None => return Err(WebError::Unauthenticated),
        };
        let services = state.require_services()?;
        let official = motcua_app::office::Official::of(services, signed_in.user.clone())
            .await
            .map_err(|_| WebError::Forbidden)?;
        Ok(OfficialVisitor {
            signed_in,
            official,
        })
    }
}

//! Credentials reach the extractor; without an authenticator everyone is
//! anonymous; an authenticator's answer reaches the handler.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::Request;
use axum::routing::get;
use motcua_web::{
    AuthError, Authenticated, Authenticator, BoxFuture, Credentials, CurrentUser, Principal,
    ProblemKind,
};

use crate::{send, state};

async fn credentials_of(headers: &[(&str, &str)]) -> Result<Credentials, motcua_web::WebError> {
    let mut request = Request::get("/");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let (mut parts, _) = request.body(()).unwrap().into_parts();
    Credentials::from_request_parts(&mut parts, &()).await
}

#[tokio::test]
async fn bearer_token_and_session_cookie_both_reach_the_extractor() {
    let bearer = credentials_of(&[("authorization", "Bearer abc.DEF-123")])
        .await
        .unwrap();
    assert!(matches!(&bearer, Credentials::Bearer(t) if t.expose() == "abc.DEF-123"));

    let session = credentials_of(&[("cookie", "lang=en; motcua_session=s3ss10n")])
        .await
        .unwrap();
    assert!(matches!(&session, Credentials::Session(t) if t.expose() == "s3ss10n"));

    // An explicit bearer token wins over a cookie the browser also sent.
    let both = credentials_of(&[
        ("cookie", "motcua_session=s3ss10n"),
        ("authorization", "bearer tok"),
    ])
    .await
    .unwrap();
    assert!(matches!(&both, Credentials::Bearer(t) if t.expose() == "tok"));

    assert_eq!(credentials_of(&[]).await.unwrap(), Credentials::Anonymous);
    // A junk cookie is an anonymous visitor, not an error.
    assert_eq!(
        credentials_of(&[("cookie", "motcua_session=a b")])
            .await
            .unwrap(),
        Credentials::Anonymous
    );
    // A malformed Authorization header is refused: the client meant to log in.
    let err = credentials_of(&[("authorization", "Basic dXNlcjpwYXNz")])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ProblemKind::Unauthenticated);
}

/// A test double that knows one token: checks the plumbing, not a login.
struct OneToken;

impl Authenticator for OneToken {
    fn resolve<'a>(
        &'a self,
        credentials: &'a Credentials,
    ) -> BoxFuture<'a, Result<Option<Principal>, AuthError>> {
        Box::pin(async move {
            Ok(match credentials {
                Credentials::Bearer(t) if t.expose() == "good" => {
                    Some(Principal::new("u1", "Nguyễn Văn A"))
                }
                _ => None,
            })
        })
    }
}

fn me_routes() -> Router<motcua_web::AppState> {
    Router::new()
        .route(
            "/api/me",
            get(|Authenticated(p): Authenticated| async move { p.display_name }),
        )
        .route(
            "/api/who",
            get(|CurrentUser(p): CurrentUser| async move {
                p.map_or("anonymous".to_owned(), |p| p.id)
            }),
        )
}

async fn ask(app: Router, path: &str, auth: Option<&str>) -> crate::Reply {
    let mut request = Request::get(path);
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn without_an_authenticator_everyone_is_anonymous() {
    let app = motcua_web::with_conventions(me_routes(), state());
    let who = ask(app.clone(), "/api/who", Some("Bearer good")).await;
    assert_eq!(who.body, "anonymous");
    let me = ask(app, "/api/me", Some("Bearer good")).await;
    assert_eq!(me.status, 401);
    assert_eq!(me.header("content-type"), "application/problem+json");
    assert_eq!(
        me.json()["type"],
        "https://motcua.vn/problems/unauthenticated"
    );
    assert!(me.header("www-authenticate").starts_with("Bearer"));
}

#[tokio::test]
async fn an_authenticator_resolves_the_user() {
    let state = state().with_authenticator(Arc::new(OneToken));
    let app = motcua_web::with_conventions(me_routes(), state);
    let me = ask(app.clone(), "/api/me", Some("Bearer good")).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body, "Nguyễn Văn A");
    assert_eq!(
        ask(app.clone(), "/api/me", Some("Bearer bad")).await.status,
        401
    );
    let malformed = ask(app, "/api/me", Some("Token good")).await;
    assert_eq!(malformed.status, 401);
    assert!(
        malformed.json()["detail"]
            .as_str()
            .unwrap()
            .contains("Bearer")
    );
}

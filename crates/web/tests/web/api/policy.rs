//! The API's rows of the endpoint × role table, tested from the table: a
//! public endpoint admits anyone; an applicant's endpoint admits a citizen
//! with a `Bearer` token only — never the session cookie alone, so a page
//! on another site cannot act through a signed-in browser.

use axum::body::Body;
use axum::http::Request;
use motcua_web::policy::{Access, ENDPOINTS};

use super::super::portal::{Browser, portal};
use super::{Client, assert_problem};

/// A concrete path for a route pattern.
fn concrete(path: &str) -> String {
    path.replace("{code}", "2.000815")
        .replace("{id}", "01890000-0000-7000-8000-000000000000")
        .replace("{index}", "0")
        .replace("{attachment}", "01890000-0000-7000-8000-000000000001")
}

#[tokio::test]
async fn every_api_endpoint_admits_exactly_whom_the_table_says() {
    let portal = portal().await;
    let anonymous = Client::anonymous(&portal);
    let bearer = Client::signed_in(&portal, "an@demo.motcua.vn").await;
    let mut browser = Browser::new(&portal);
    browser.sign_in("an@demo.motcua.vn").await;
    let rows: Vec<_> = ENDPOINTS
        .iter()
        .filter(|e| e.path.starts_with("/api/"))
        .collect();
    assert!(!rows.is_empty());
    for endpoint in rows {
        let path = concrete(endpoint.path);
        let what = format!("{} {}", endpoint.method, endpoint.path);
        let request = || {
            Request::builder()
                .method(endpoint.method)
                .uri(path.as_str())
        };
        let anon = anonymous.send(request(), None, Body::empty()).await;
        let signed = if endpoint.path == "/api/sessions/current" {
            // Signing out ends the session: use one of its own.
            let once = Client::signed_in(&portal, "an@demo.motcua.vn").await;
            once.send(request(), None, Body::empty()).await
        } else {
            bearer.send(request(), None, Body::empty()).await
        };
        // The browser's session cookie (and CSRF cookie), no Bearer header.
        let cookie = browser.request(request(), Body::empty()).await;
        assert_ne!(anon.status, 405, "{what} is routed");
        assert_ne!(signed.status, 405, "{what} is routed");
        match endpoint.access {
            Access::Public => {
                assert_ne!(anon.status, 401, "{what}");
                assert_ne!(anon.status, 403, "{what}");
            }
            Access::Official => {
                assert_problem(&anon, 401, "unauthenticated");
                assert_problem(&signed, 403, "forbidden");
            }
            Access::Account => {
                assert_problem(&anon, 401, "unauthenticated");
                assert_problem(&cookie, 401, "unauthenticated");
                assert!(
                    signed.status != 401 && signed.status != 403,
                    "{what}: {} {}",
                    signed.status,
                    signed.body
                );
            }
            Access::Applicant => {
                assert_problem(&anon, 401, "unauthenticated");
                assert_eq!(anon.header("www-authenticate"), "Bearer realm=\"motcua\"");
                assert_problem(&cookie, 401, "unauthenticated");
                assert!(
                    signed.status != 401 && signed.status != 403,
                    "{what}: {} {}",
                    signed.status,
                    signed.body
                );
            }
        }
    }
}

#[tokio::test]
async fn a_state_change_with_only_the_session_cookie_changes_nothing() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    browser.sign_in("an@demo.motcua.vn").await;
    let reply = browser
        .request(
            Request::post("/api/drafts").header("content-type", "application/json"),
            Body::from(r#"{"procedure":"2.000815"}"#),
        )
        .await;
    assert_problem(&reply, 401, "unauthenticated");
    let user = portal
        .services
        .store
        .user_by_login("an@demo.motcua.vn")
        .await
        .unwrap()
        .unwrap();
    assert!(
        portal
            .services
            .store
            .drafts_of_user(user.id)
            .await
            .unwrap()
            .is_empty(),
        "no draft was made"
    );
}

//! Errors: problem+json under /api/, HTML pages elsewhere, never a leak.

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::{get as get_route, post};
use motcua_web::{Json, ProblemKind, Query, WebError};
use serde::Deserialize;

use crate::{Reply, assert_security_headers, get, send, state};

#[derive(Debug, Deserialize, serde::Serialize)]
struct Applicant {
    name: String,
    age: u32,
}

#[derive(Debug, Deserialize)]
struct Page {
    page: u32,
}

/// A few API routes of our own, wrapped in the application's conventions.
fn test_app() -> Router {
    let routes = Router::new()
        .route(
            "/api/echo",
            post(|Json(a): Json<Applicant>| async move { Json(a) }),
        )
        .route(
            "/api/list",
            get_route(|Query(p): Query<Page>| async move { p.page.to_string() }),
        )
        .route(
            "/api/db",
            get_route(|| async {
                Err::<(), _>(WebError::internal(
                    "connection to postgres://admin:hunter2@db failed",
                ))
            }),
        )
        .route("/api/boom", get_route(boom))
        .route("/boom", get_route(boom));
    motcua_web::with_conventions(routes, state())
}

async fn boom() -> &'static str {
    panic!("secret panic text")
}

async fn call(method: &str, path: &str, headers: &[(&str, &str)], body: impl Into<Body>) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(test_app(), request.body(body.into()).unwrap()).await
}

fn assert_problem(reply: &Reply, kind: ProblemKind) -> serde_json::Value {
    assert_eq!(reply.status, kind.status(), "{}", reply.body);
    assert_eq!(reply.header("content-type"), "application/problem+json");
    let problem = reply.json();
    assert_eq!(
        problem["type"],
        format!("https://motcua.vn/problems/{}", kind.slug())
    );
    assert_eq!(problem["status"], kind.status().as_u16());
    assert!(problem["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(problem["detail"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(problem["request_id"], reply.header("x-request-id"));
    assert_security_headers(reply);
    problem
}

#[tokio::test]
async fn unknown_api_path_is_a_localized_problem() {
    let vi = get("/api/whatever", &[]).await;
    let problem = assert_problem(&vi, ProblemKind::NotFound);
    assert_eq!(problem["type"], "https://motcua.vn/problems/not-found");
    assert_eq!(problem["title"], "Không tìm thấy");
    assert_eq!(problem["instance"], "/api/whatever");
    assert_eq!(vi.header("content-language"), "vi");

    let en = get("/api/whatever?x=1", &[("accept-language", "en")]).await;
    let problem = assert_problem(&en, ProblemKind::NotFound);
    assert_eq!(problem["title"], "Not found");
    assert_eq!(problem["instance"], "/api/whatever");
}

#[tokio::test]
async fn unknown_page_is_a_localized_html_page() {
    let reply = get("/khong-co", &[]).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.header("content-type"), "text/html; charset=utf-8");
    assert!(reply.body.contains(r#"<html lang="vi">"#));
    assert!(reply.body.contains("Không tìm thấy"));
    assert!(reply.body.contains("Về trang chủ"));
    // The language switch comes back to the same (missing) page.
    assert!(reply.body.contains("next=/khong-co"));
    assert_security_headers(&reply);

    let en = get("/missing", &[("cookie", "lang=en")]).await;
    assert!(en.body.contains("Not found"));
    assert!(en.body.contains(r#"<html lang="en">"#));
}

#[tokio::test]
async fn a_wrong_method_keeps_allow() {
    let reply = call("DELETE", "/api/echo", &[], Body::empty()).await;
    assert_problem(&reply, ProblemKind::MethodNotAllowed);
    assert!(reply.header("allow").contains("POST"));

    let page = send(
        motcua_web::router(state()),
        Request::post("/").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(page.status, 405);
    assert!(page.header("content-type").starts_with("text/html"));
}

#[tokio::test]
async fn malformed_json_says_what_was_wrong() {
    let json = [("content-type", "application/json")];
    let reply = call("POST", "/api/echo", &json, r#"{"name": "An""#).await;
    let problem = assert_problem(&reply, ProblemKind::BadRequest);
    // The detail is in the request's language; the parser's words (in
    // English) come apart, for the client's developers.
    let detail = problem["detail"].as_str().unwrap();
    assert!(!detail.contains("EOF"), "{detail}");
    let reason = problem["reason"].as_str().unwrap();
    assert!(reason.contains("EOF"), "{reason}");
    assert!(!reason.contains("Failed to"), "{reason}");

    let reply = call(
        "POST",
        "/api/echo",
        &[
            ("content-type", "application/json"),
            ("accept-language", "en"),
        ],
        r#"{"name": "An", "age": "ten"}"#,
    )
    .await;
    let problem = assert_problem(&reply, ProblemKind::InvalidInput);
    assert_eq!(problem["detail"], "Some of the data sent is not valid.");
    assert!(
        problem["reason"].as_str().unwrap().contains("age"),
        "{problem}"
    );

    let ok = call("POST", "/api/echo", &json, r#"{"name": "An", "age": 30}"#).await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["age"], 30);
}

#[tokio::test]
async fn wrong_content_type_and_oversized_bodies_are_refused() {
    let reply = call("POST", "/api/echo", &[("content-type", "text/plain")], "{}").await;
    assert_problem(&reply, ProblemKind::UnsupportedMediaType);

    let big = format!(
        r#"{{"name": "{}", "age": 1}}"#,
        "a".repeat(motcua_web::DEFAULT_BODY_LIMIT)
    );
    let reply = call(
        "POST",
        "/api/echo",
        &[("content-type", "application/json")],
        big,
    )
    .await;
    assert_problem(&reply, ProblemKind::PayloadTooLarge);
}

#[tokio::test]
async fn malformed_query_says_what_was_wrong() {
    let reply = call("GET", "/api/list?page=two", &[], Body::empty()).await;
    let problem = assert_problem(&reply, ProblemKind::BadRequest);
    let reason = problem["reason"].as_str().unwrap();
    assert!(reason.contains("invalid digit"), "{reason}");
    assert_eq!(
        call("GET", "/api/list?page=2", &[], Body::empty())
            .await
            .body,
        "2"
    );
}

#[tokio::test]
async fn internal_errors_and_panics_leak_nothing() {
    let reply = call("GET", "/api/db", &[], Body::empty()).await;
    let problem = assert_problem(&reply, ProblemKind::Internal);
    assert!(!reply.body.contains("hunter2"));
    assert!(!reply.body.contains("postgres"));
    assert_eq!(problem["title"], "Lỗi hệ thống");

    let reply = call("GET", "/api/boom", &[], Body::empty()).await;
    assert_problem(&reply, ProblemKind::Internal);
    assert!(!reply.body.contains("secret"));

    let page = call("GET", "/boom", &[], Body::empty()).await;
    assert_eq!(page.status, 500);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(!page.body.contains("secret"));
    assert!(page.body.contains(page.header("x-request-id")));
}

//! The OpenAPI document: committed as `docs/openapi.json` and compared byte
//! for byte (so CI fails when the API changes without its description),
//! deterministic, served, and in step with the policy table.

use std::collections::BTreeSet;

use motcua_web::policy::ENDPOINTS;
use serde_json::Value;

use super::super::portal::portal;
use super::{Client, assert_problem};

/// Where the committed document lives (the workspace's `docs/`).
const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");

fn document() -> Value {
    serde_json::from_str(&motcua_web::api::openapi_json().unwrap()).unwrap()
}

#[test]
fn the_committed_document_is_the_one_the_code_describes() {
    let rendered = motcua_web::api::openapi_json().unwrap();
    if std::env::var_os("MOTCUA_WRITE_OPENAPI").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(std::path::Path::new(COMMITTED).parent().unwrap()).unwrap();
        std::fs::write(COMMITTED, &rendered).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == rendered,
        "docs/openapi.json is not the document the code describes: the API changed \
         without it. Write it again with\n\n    \
         MOTCUA_WRITE_OPENAPI=1 cargo test -p motcua-web --test web api::spec\n\n\
         and commit the difference after reading it."
    );
}

#[test]
fn the_document_is_the_same_every_time() {
    let first = motcua_web::api::openapi_json().unwrap();
    for _ in 0..3 {
        assert_eq!(motcua_web::api::openapi_json().unwrap(), first);
    }
}

/// `(METHOD, path)` of every API row of the policy table.
fn routed() -> BTreeSet<(String, String)> {
    ENDPOINTS
        .iter()
        .filter(|e| e.path.starts_with("/api/"))
        .map(|e| (e.method.to_owned(), e.path.to_owned()))
        .collect()
}

/// `(METHOD, path)` of every operation of the document.
fn described(doc: &Value) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, _) in item.as_object().unwrap() {
            if ["get", "put", "post", "delete", "patch", "head", "options"]
                .contains(&method.as_str())
            {
                found.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    found
}

#[test]
fn every_api_route_is_described_and_every_description_routed() {
    let doc = document();
    let routed = routed();
    let described = described(&doc);
    let undocumented: Vec<_> = routed.difference(&described).collect();
    let unrouted: Vec<_> = described.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the document: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "described but not routed: {unrouted:?}"
    );
    assert_eq!(routed.len(), 37);
}

#[test]
fn every_operation_is_described_whole() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let schemes = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(schemes["type"], "http");
    assert_eq!(schemes["scheme"], "bearer");
    let account_rows: BTreeSet<(String, String)> = ENDPOINTS
        .iter()
        .filter(|e| e.path.starts_with("/api/") && e.access != motcua_web::policy::Access::Public)
        .map(|e| (e.method.to_lowercase(), e.path.to_owned()))
        .collect();
    let mut operation_ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let what = format!("{method} {path}");
            assert!(
                operation_ids.insert(op["operationId"].as_str().unwrap().to_owned()),
                "{what}: operationId repeated"
            );
            assert!(op["summary"].is_string(), "{what}: summary");
            assert!(op["tags"].is_array(), "{what}: tags");
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{what}: a success response"
            );
            let secured = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
            let needs_account = account_rows.contains(&(method.clone(), path.clone()));
            assert_eq!(secured, needs_account, "{what}: security");
            if needs_account {
                assert!(responses.contains_key("401"), "{what}: 401 described");
            }
            // Every error response is a problem.
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let response = match response.get("$ref") {
                        Some(r) => {
                            let name = r.as_str().unwrap().rsplit('/').next().unwrap();
                            &doc["components"]["responses"][name]
                        }
                        None => response,
                    };
                    assert!(
                        response["content"]["application/problem+json"].is_object(),
                        "{what} {status}: a problem"
                    );
                }
            }
            if ["post", "put"].contains(&method.as_str())
                && !["/api/drafts/{id}/check", "/api/drafts/{id}/submit"].contains(&path.as_str())
            {
                assert!(op["requestBody"].is_object(), "{what}: request body");
            }
        }
    }
}

#[test]
fn the_problem_schema_has_every_member_a_problem_carries() {
    let doc = document();
    let properties = doc["components"]["schemas"]["Problem"]["properties"]
        .as_object()
        .unwrap();
    for member in [
        "type",
        "title",
        "status",
        "detail",
        "instance",
        "request_id",
        "errors",
    ] {
        assert!(properties.contains_key(member), "{member}");
    }
    let field_error = doc["components"]["schemas"]["FieldError"]["properties"]
        .as_object()
        .unwrap();
    for member in ["field", "code", "message"] {
        assert!(field_error.contains_key(member), "{member}");
    }
}

#[tokio::test]
async fn the_document_is_served_as_json() {
    let portal = portal().await;
    let reply = Client::anonymous(&portal).get("/api/openapi.json").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), "application/json");
    assert_eq!(reply.body, motcua_web::api::openapi_json().unwrap());
    // Nothing else under /api/ answers but the routes described.
    let missing = Client::anonymous(&portal).get("/api/swagger-ui").await;
    assert_problem(&missing, 404, "not-found");
}

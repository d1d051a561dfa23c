//! The catalog and the address list through the API.

use super::super::portal::portal;
use super::{Client, PROCEDURE, assert_problem};

#[tokio::test]
async fn the_catalog_is_searched_without_diacritics() {
    let portal = portal().await;
    let client = Client::anonymous(&portal);
    let reply = client
        .get("/api/procedures?q=chung%20thuc%20ban%20sao")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let found = reply.json();
    assert_eq!(found["page"], 1);
    let codes: Vec<&str> = found["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&PROCEDURE), "{codes:?}");
    let first = &found["procedures"][0];
    assert!(first["processing_time"]["unit"].is_string(), "{first}");
    assert!(first["online"].is_boolean());
    assert!(!found["fields"].as_array().unwrap().is_empty());

    let everything = client.get("/api/procedures").await.json();
    let partial = client.get("/api/procedures?level=partial").await.json();
    assert!(
        partial["procedures"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["level"] == "partial")
    );
    assert!(
        partial["procedures"].as_array().unwrap().len()
            < everything["procedures"].as_array().unwrap().len()
    );
    assert_problem(
        &client.get("/api/procedures?page=x").await,
        400,
        "bad-request",
    );
}

#[tokio::test]
async fn a_whole_entry_tells_what_applying_takes() {
    let portal = portal().await;
    let client = Client::anonymous(&portal);
    let reply = client.get(&format!("/api/procedures/{PROCEDURE}")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let entry = reply.json();
    let procedure = &entry["procedure"];
    assert_eq!(procedure["code"], PROCEDURE);
    assert_eq!(procedure["competent"]["level"], "commune");
    assert_eq!(procedure["level"], "partial");
    let upload = procedure["form"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "ban_chup")
        .unwrap();
    assert_eq!(upload["type"], "file");
    assert_eq!(upload["max_bytes"], 10 * 1024 * 1024);
    assert!(
        chrono::NaiveDate::parse_from_str(
            procedure["effective_from"].as_str().unwrap(),
            "%Y-%m-%d"
        )
        .is_ok()
    );
    // The entry is the catalog's own, as stored.
    let stored = portal
        .services
        .store
        .procedure_in_force(
            PROCEDURE,
            motcua_domain::calendar::to_local(chrono::Utc::now()).date(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(*procedure, serde_json::to_value(&stored.procedure).unwrap());
    // Any commune decides: the applicant picks one of them.
    let agencies = entry["agencies"].as_array().unwrap();
    assert_eq!(agencies.len(), 4);
    assert!(agencies.iter().any(|a| a["identifier"] == "000.41.01.H82"));
    assert_eq!(entry["deliveries"], serde_json::json!(["counter"]));
    assert_problem(
        &client.get("/api/procedures/9.999999").await,
        404,
        "not-found",
    );
}

#[tokio::test]
async fn an_address_is_picked_province_then_commune() {
    let portal = portal().await;
    let client = Client::anonymous(&portal);
    let provinces = client.get("/api/addresses/provinces").await;
    assert_eq!(provinces.status, 200);
    let provinces = provinces.json();
    assert_eq!(provinces.as_array().unwrap().len(), 34);
    let dong_thap = provinces
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "82")
        .unwrap();
    assert_eq!(dong_thap["name"], "Tỉnh Đồng Tháp");
    assert_eq!(dong_thap["kind"], "tinh");
    let communes = client.get("/api/addresses/provinces/82/communes").await;
    assert_eq!(communes.status, 200);
    let communes = communes.json();
    let cao_lanh = communes
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Phường Cao Lãnh")
        .unwrap();
    assert_eq!(cao_lanh["province"], "82");
    assert_eq!(cao_lanh["kind"], "phuong");
    assert_eq!(cao_lanh["code"].as_str().unwrap().len(), 5);
    for unknown in ["00", "7", "99", "xx"] {
        let reply = client
            .get(&format!("/api/addresses/provinces/{unknown}/communes"))
            .await;
        assert_problem(&reply, 404, "not-found");
    }
}

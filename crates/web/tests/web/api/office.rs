//! The back office through the API: the queue and the actions, with Bearer
//! tokens, refused to citizens and explained when the law or the role says
//! no.

use serde_json::json;

use super::super::portal::{pdf_bytes, portal};
use super::{Client, assert_problem, error_fields, submitted};

#[tokio::test]
async fn an_official_works_the_queue_through_the_api() {
    let portal = portal().await;
    let citizen = Client::signed_in(&portal, "an@demo.motcua.vn").await;
    let (id, code, _) = submitted(&citizen).await;
    assert_problem(&citizen.get("/api/office/queue").await, 403, "forbidden");

    let reception = Client::signed_in(&portal, "tiepnhan@demo.motcua.vn").await;
    let queue = reception.get("/api/office/queue").await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    let body = queue.json();
    assert!(body["open"].as_u64().unwrap() >= 1);
    let row = body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["stage"], "awaiting-reception");
    assert_eq!(row["id"], id.as_str());
    let found = reception
        .get("/api/office/queue?q=nguyen%20van%20an&stage=awaiting-reception")
        .await;
    assert_eq!(found.json()["rows"].as_array().unwrap().len(), 1);
    let bad = reception.get("/api/office/queue?stage=flying").await;
    let problem = assert_problem(&bad, 422, "invalid-input");
    assert_eq!(problem["errors"][0]["field"], "stage");
    assert!(
        !problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("stage"),
        "worded for a person, in Vietnamese: {problem}"
    );

    let accept = |action: &str| format!("/api/office/dossiers/{id}/actions/{action}");
    let accepted = reception.post(&accept("accept"), json!({})).await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!(accepted.json()["dossier"]["stage"], "accepted");
    assert!(accepted.json()["due"].is_string());

    let specialist = portal
        .services
        .store
        .user_by_login("chuyenvien@demo.motcua.vn")
        .await
        .unwrap()
        .unwrap();
    let assigned = reception
        .post(&accept("assign"), json!({"to": specialist.id.to_string()}))
        .await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    assert_eq!(
        assigned.json()["dossier"]["assignee"],
        specialist.id.to_string()
    );

    // The specialist may not approve: 409 with the reason in Vietnamese.
    let chuyenvien = Client::signed_in(&portal, "chuyenvien@demo.motcua.vn").await;
    let refused = chuyenvien.post(&accept("approve"), json!({})).await;
    let problem = assert_problem(&refused, 409, "conflict");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("chuyên viên không được phê duyệt"),
        "{problem}"
    );
    // A reason is required where the law asks for one.
    let no_reason = chuyenvien
        .post(
            &accept("request-appraisal-supplement"),
            json!({"items": ["Bản sao CCCD"]}),
        )
        .await;
    let problem = assert_problem(&no_reason, 422, "invalid-input");
    assert_eq!(error_fields(&problem), vec!["reason"]);
    let asked = chuyenvien
        .post(
            &accept("request-appraisal-supplement"),
            json!({"items": ["Bản sao CCCD"], "reason": "Bản chụp bị mờ"}),
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert_eq!(asked.json()["dossier"]["stage"], "appraisal-supplement");
    // An unknown action is not found; so is a dossier the caller cannot see.
    assert_eq!(chuyenvien.post(&accept("fly"), json!({})).await.status, 404);
    let admin = Client::signed_in(&portal, "quantri@demo.motcua.vn").await;
    assert_problem(
        &admin.post(&accept("accept"), json!({})).await,
        404,
        "not-found",
    );
}

#[tokio::test]
async fn several_dossiers_are_accepted_in_one_call() {
    let portal = portal().await;
    let citizen = Client::signed_in(&portal, "an@demo.motcua.vn").await;
    let (a, _, _) = submitted(&citizen).await;
    let (b, _, _) = submitted(&citizen).await;
    assert_problem(
        &citizen
            .post("/api/office/bulk", json!({"action": "accept", "ids": [a]}))
            .await,
        403,
        "forbidden",
    );
    let reception = Client::signed_in(&portal, "tiepnhan@demo.motcua.vn").await;
    let done = reception
        .post(
            "/api/office/bulk",
            json!({"action": "accept", "ids": [a, b, a]}),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let body = done.json();
    assert_eq!(
        (body["done"].as_u64(), body["refused"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(body["items"][0]["dossier"]["stage"], "accepted");
    // Again: refused each, with the reason in the request's language.
    let again = reception
        .post("/api/office/bulk", json!({"action": "accept", "ids": [a]}))
        .await
        .json();
    assert_eq!(again["refused"], 1);
    assert!(
        again["items"][0]["refused"]
            .as_str()
            .unwrap()
            .contains("đã tiếp nhận"),
        "{again}"
    );
    let bad = reception
        .post("/api/office/bulk", json!({"action": "approve", "ids": [a]}))
        .await;
    let problem = assert_problem(&bad, 422, "invalid-input");
    assert_eq!(problem["errors"][0]["field"], "action");
}

#[tokio::test]
async fn an_official_attaches_scans_to_an_action_through_the_api() {
    let portal = portal().await;
    let citizen = Client::signed_in(&portal, "an@demo.motcua.vn").await;
    let (id, _, _) = submitted(&citizen).await;
    let path = |action: &str| format!("/api/office/dossiers/{id}/actions/{action}/files");
    // A citizen's token cannot use it; nothing of theirs is read.
    let refused = citizen
        .multipart(
            &path("accept"),
            &[],
            &[("files", "a.pdf", "application/pdf", pdf_bytes())],
        )
        .await;
    assert_problem(&refused, 403, "forbidden");
    let reception = Client::signed_in(&portal, "tiepnhan@demo.motcua.vn").await;
    // A file that is not what it says is refused at its input, and the
    // dossier is not accepted.
    let fake = reception
        .multipart(
            &path("accept"),
            &[],
            &[(
                "files",
                "scan.pdf",
                "application/pdf",
                b"not a pdf".to_vec(),
            )],
        )
        .await;
    assert_problem(&fake, 422, "invalid-input");
    let accepted = reception
        .multipart(
            &path("accept"),
            &[],
            &[(
                "files",
                "bien-ban-kiem-tra.pdf",
                "application/pdf",
                pdf_bytes(),
            )],
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!(accepted.json()["dossier"]["stage"], "accepted");
    let dossier_id: motcua_store::DossierId = id.parse().unwrap();
    let attachments = portal.services.store.attachments(dossier_id).await.unwrap();
    let scan = attachments
        .iter()
        .find(|a| a.file_name == "bien-ban-kiem-tra.pdf")
        .expect("the scan is recorded");
    assert_eq!(scan.event_seq, 2, "with the acceptance");
    // The office downloads it through the API; a citizen's token cannot.
    let href = format!("/api/office/dossiers/{id}/attachments/{}", scan.id);
    let file = reception.get(&href).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), "application/pdf");
    assert_problem(&citizen.get(&href).await, 403, "forbidden");
    // Text members work as in the JSON body.
    let no_reason = reception
        .multipart(&path("refuse-at-reception"), &[("reason", " ")], &[])
        .await;
    assert!(
        no_reason.status == 409 || no_reason.status == 422,
        "{}",
        no_reason.body
    );
}

#[tokio::test]
async fn a_workflow_group_goes_to_every_agency_at_once_and_comes_back_step_by_step() {
    let portal = portal().await;
    let store = &portal.services.store;
    let citizen = Client::signed_in(&portal, "an@demo.motcua.vn").await;
    let (id, code, _) = submitted(&citizen).await;
    // The procedure's workflow gains a group of two agency steps.
    let dossier = store.dossier_by_code(&code).await.unwrap().unwrap();
    let mut version = store
        .procedure_in_force(&dossier.procedure_code, dossier.procedure_version)
        .await
        .unwrap()
        .unwrap();
    let step = |id: &str, agency: &str, days| motcua_domain::catalog::Step {
        id: id.into(),
        name: format!("Xác minh tại {agency}"),
        role: motcua_domain::lifecycle::Role::Specialist,
        agency: Some(agency.into()),
        time: motcua_domain::calendar::Period::WorkingDays(days),
        after: vec![],
    };
    version.procedure.steps = vec![step("a", "000.41.03.H82", 2), step("b", "court", 3)];
    store.put_procedure_version(&version).await.unwrap();

    let reception = Client::signed_in(&portal, "tiepnhan@demo.motcua.vn").await;
    let url = |action: &str| format!("/api/office/dossiers/{id}/actions/{action}");
    assert_eq!(reception.post(&url("accept"), json!({})).await.status, 200);
    let specialist = Client::signed_in(&portal, "chuyenvien@demo.motcua.vn").await;
    assert_eq!(specialist.post(&url("assign"), json!({})).await.status, 200);
    let no_group = specialist
        .post(&url("send-to-agency"), json!({"group": 2}))
        .await;
    let problem = assert_problem(&no_group, 422, "invalid-input");
    assert_eq!(error_fields(&problem), vec!["group"]);
    let bad_days = specialist
        .post(
            &url("send-to-agency"),
            json!({"agency": "000.41.03.H82", "task": "Xác minh", "days": 0}),
        )
        .await;
    let problem = assert_problem(&bad_days, 422, "invalid-input");
    assert_eq!(error_fields(&problem), vec!["days"]);

    let sent = specialist
        .post(&url("send-to-agency"), json!({"group": 1}))
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.json()["dossier"]["stage"], "at-other-agency");
    let d = store.dossier_by_code(&code).await.unwrap().unwrap();
    let open: Vec<(&str, bool)> = d
        .state
        .open_steps
        .iter()
        .map(|s| (s.agency.as_str(), s.due.is_some()))
        .collect();
    assert_eq!(open, vec![("000.41.03.H82", true), ("court", true)]);
    // The page shows the plan from the workflow and what is awaited.
    let mut browser = crate::portal::Browser::new(&portal);
    browser.sign_in("chuyenvien@demo.motcua.vn").await;
    let page = browser.get(&format!("/can-bo/ho-so/{id}")).await;
    assert!(page.body.contains("Quy trình xử lý"), "{}", page.body);
    assert!(page.body.contains("Xác minh tại court"));
    assert!(page.body.contains("Đang chờ cơ quan phối hợp"));
    assert!(page.body.contains("court: Xác minh tại court (hạn "));
    // The other commune now sees it among its agencies' dossiers.
    let other = store
        .agency_by_identifier("000.41.03.H82")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.dossier_step_agencies(d.id).await.unwrap(),
        vec![other.id]
    );

    // Which step answered must be said while two are open.
    let unnamed = specialist.post(&url("return-from-agency"), json!({})).await;
    assert_problem(&unnamed, 409, "conflict");
    let one = specialist
        .post(&url("return-from-agency"), json!({"agency": "court"}))
        .await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.json()["dossier"]["stage"], "at-other-agency");
    // The dossier as the office sees it, through the API.
    let detail = specialist.get(&format!("/api/office/dossiers/{id}")).await;
    assert_eq!(detail.status, 200, "{}", detail.body);
    let body = detail.json();
    assert_eq!(body["stage"], "at-other-agency");
    assert_eq!(body["open_steps"][0]["agency"], "000.41.03.H82");
    assert!(body["open_steps"][0]["due"].is_string());
    assert_eq!(body["workflow"].as_array().unwrap().len(), 2);
    assert!(
        body["actions"]
            .as_array()
            .unwrap()
            .contains(&json!("return-from-agency"))
    );
    let handed = body["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "send-to-agency")
        .unwrap();
    assert_eq!(handed["recorded"]["action"]["steps"][1]["agency"], "court");
    assert_eq!(body["chain_ok"], true);
    // Not to a citizen's token.
    assert_problem(
        &citizen.get(&format!("/api/office/dossiers/{id}")).await,
        403,
        "forbidden",
    );

    let last = specialist.post(&url("return-from-agency"), json!({})).await;
    assert_eq!(last.status, 200, "{}", last.body);
    assert_eq!(last.json()["dossier"]["stage"], "in-process");

    // A document digitised through the API is listed for reuse.
    let incomplete = specialist
        .post(
            &url("capture-data"),
            json!({"type_code": "GKS", "title": "Giấy khai sinh", "summary": "Nguyễn Văn An"}),
        )
        .await;
    let problem = assert_problem(&incomplete, 422, "invalid-input");
    assert_eq!(error_fields(&problem), vec!["issued_on", "issuer"]);
    let captured = specialist
        .post(
            &url("capture-data"),
            json!({
                "type_code": "GKS",
                "number": "12/1995",
                "title": "Giấy khai sinh",
                "summary": "Nguyễn Văn An, sinh ngày 01/02/1995",
                "issued_on": "1995-02-10",
                "issuer": "UBND xã Mỹ Trà",
            }),
        )
        .await;
    assert_eq!(captured.status, 200, "{}", captured.body);
    let body = specialist
        .get(&format!("/api/office/dossiers/{id}"))
        .await
        .json();
    assert_eq!(body["captured"][0]["dossier_code"], code.as_str());
    assert_eq!(body["captured"][0]["document"]["number"], "12/1995");
    assert_eq!(body["captured"][0]["document"]["issued_on"], "1995-02-10");
}

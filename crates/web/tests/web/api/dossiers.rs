//! After submission, through the API: the applicant's list and dossier
//! (timeline, files, allowed actions), a supplement and an amendment sent
//! as multipart without any CSRF token, a withdrawal, the result downloaded
//! and rated; the public look-up by code and PIN. Officers act through the
//! store, as the back office will.

use chrono::Utc;
use motcua_domain::calendar::{OfficeHours, WorkCalendar};
use motcua_domain::lifecycle::{Action, Clockwork, Role};
use motcua_store::NewAttachment;
use serde_json::json;

use super::super::portal::{Portal, pdf_bytes, portal};
use super::{Client, assert_problem, error_fields, submitted};

/// An officer's action on the dossier `code`, now, with files.
async fn officer(
    portal: &Portal,
    code: &str,
    action: Action,
    role: Role,
    files: Vec<NewAttachment>,
) {
    let store = &portal.services.store;
    let dossier = store.dossier_by_code(code).await.unwrap().unwrap();
    let calendar = WorkCalendar::bundled().unwrap();
    let hours = OfficeHours::standard();
    let event = dossier
        .state
        .decide(
            action,
            role,
            Utc::now(),
            Clockwork {
                calendar: &calendar,
                hours: &hours,
            },
        )
        .unwrap();
    store
        .append_event(
            dossier.id,
            dossier.event_count,
            motcua_store::NewEvent {
                actor: None,
                event,
                attachments: files,
                jobs: Vec::new(),
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_dossier_is_listed_shown_supplemented_amended_and_withdrawn() {
    let portal = portal().await;
    let an = Client::signed_in(&portal, "an@demo.motcua.vn").await;
    let (id, code, _) = submitted(&an).await;

    let list = an.get("/api/dossiers").await;
    assert_eq!(list.status, 200, "{}", list.body);
    let list = list.json();
    assert_eq!(list["dossiers"].as_array().unwrap().len(), 1);
    assert_eq!(list["dossiers"][0]["code"], code.as_str());
    assert_eq!(list["dossiers"][0]["stage"], "awaiting-reception");
    assert!(list["next"].is_null());
    let paged = an.get("/api/dossiers?limit=1").await.json();
    assert_eq!(paged["next"], id.as_str());
    let rest = an.get(&format!("/api/dossiers?after={id}")).await.json();
    assert!(rest["dossiers"].as_array().unwrap().is_empty());

    let shown = an.get(&format!("/api/dossiers/{id}")).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    let dossier = shown.json();
    assert_eq!(dossier["code"], code.as_str());
    assert_eq!(dossier["delivery"], "counter");
    assert_eq!(dossier["events"][0]["action"], "enter");
    assert_eq!(dossier["events"][0]["role"], "applicant");
    assert!(dossier["entered_at"].as_str().unwrap().ends_with('Z'));
    assert!(dossier["estimate"].is_string());
    assert_eq!(dossier["head_hash"].as_str().unwrap().len(), 64);
    assert_eq!(
        dossier["actions"],
        json!({"supplement": false, "amend": true, "withdraw": true, "rate": false})
    );
    let attachment = &dossier["attachments"][0];
    assert_eq!(attachment["file_name"], "bang.pdf");
    assert_eq!(attachment["field"], "ban_chup");
    assert_eq!(attachment["result"], false);
    assert_eq!(dossier["events"][0]["attachments"][0], attachment["id"]);
    let download = an.get(attachment["href"].as_str().unwrap()).await;
    assert_eq!(download.status, 200);
    assert_eq!(download.body.as_bytes(), pdf_bytes().as_slice());
    assert_eq!(download.header("content-type"), "application/pdf");
    assert!(download.header("content-disposition").contains("bang.pdf"));
    let other = Client::signed_in(&portal, "senhong@demo.motcua.vn").await;
    assert_problem(
        &other.get(&format!("/api/dossiers/{id}")).await,
        404,
        "not-found",
    );
    assert_problem(
        &other.get(attachment["href"].as_str().unwrap()).await,
        404,
        "not-found",
    );

    // No supplement was asked for: nothing is read.
    let early = an
        .multipart(
            &format!("/api/dossiers/{id}/supplement"),
            &[],
            &[("file", "them.pdf", "application/pdf", pdf_bytes())],
        )
        .await;
    assert_problem(&early, 404, "not-found");
    officer(
        &portal,
        &code,
        Action::RequestReceptionSupplement {
            items: vec!["Bản chụp rõ nét".into()],
            reason: "Bản chụp bị mờ".into(),
        },
        Role::ReceptionOfficer,
        Vec::new(),
    )
    .await;
    let dossier = an.get(&format!("/api/dossiers/{id}")).await.json();
    assert_eq!(dossier["stage"], "reception-supplement");
    assert_eq!(dossier["actions"]["supplement"], true);
    assert_eq!(dossier["events"][1]["reason"], "Bản chụp bị mờ");
    // Text dressed as a PDF is refused; nothing is appended.
    let fake = an
        .multipart(
            &format!("/api/dossiers/{id}/supplement"),
            &[],
            &[("file", "gia.pdf", "application/pdf", b"not a pdf".to_vec())],
        )
        .await;
    let problem = assert_problem(&fake, 422, "invalid-input");
    assert_eq!(error_fields(&problem), ["files"]);
    let empty = an
        .multipart(&format!("/api/dossiers/{id}/supplement"), &[], &[])
        .await;
    assert_problem(&empty, 422, "invalid-input");
    let answered = an
        .multipart(
            &format!("/api/dossiers/{id}/supplement"),
            &[],
            &[
                ("a", "ro-net.pdf", "application/pdf", pdf_bytes()),
                ("b", "ro-net-2.pdf", "application/octet-stream", pdf_bytes()),
            ],
        )
        .await;
    assert_eq!(answered.status, 200, "{}", answered.body);
    let dossier = answered.json();
    assert_eq!(dossier["stage"], "awaiting-reception");
    assert_eq!(dossier["attachments"].as_array().unwrap().len(), 3);
    assert_eq!(
        dossier["events"][2]["action"],
        "complete-reception-supplement"
    );
    assert_eq!(
        dossier["events"][2]["attachments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // An amendment needs its summary.
    let unsaid = an
        .multipart(
            &format!("/api/dossiers/{id}/amend"),
            &[],
            &[("file", "sua.pdf", "application/pdf", pdf_bytes())],
        )
        .await;
    assert_eq!(
        error_fields(&assert_problem(&unsaid, 422, "invalid-input")),
        ["summary"]
    );
    let amended = an
        .multipart(
            &format!("/api/dossiers/{id}/amend"),
            &[("summary", "Sửa số bản cần chứng thực thành 3")],
            &[("file", "sua.pdf", "application/pdf", pdf_bytes())],
        )
        .await;
    assert_eq!(amended.status, 200, "{}", amended.body);
    let dossier = amended.json();
    let last = dossier["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "amend");
    assert_eq!(last["reason"], "Sửa số bản cần chứng thực thành 3");

    // Withdrawn, with a reason; then nothing more can be done.
    let unexplained = an
        .post(
            &format!("/api/dossiers/{id}/withdraw"),
            json!({"reason": " "}),
        )
        .await;
    assert_eq!(
        error_fields(&assert_problem(&unexplained, 422, "invalid-input")),
        ["reason"]
    );
    let withdrawn = an
        .post(
            &format!("/api/dossiers/{id}/withdraw"),
            json!({"reason": "Đã nộp nhầm thủ tục"}),
        )
        .await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.body);
    let dossier = withdrawn.json();
    assert_eq!(dossier["stage"], "withdrawn");
    assert_eq!(
        dossier["actions"],
        json!({"supplement": false, "amend": false, "withdraw": false, "rate": false})
    );
    let again = an
        .post(
            &format!("/api/dossiers/{id}/withdraw"),
            json!({"reason": "Lần nữa"}),
        )
        .await;
    assert_problem(&again, 409, "conflict");
}

#[tokio::test]
async fn the_result_is_downloaded_and_rated_once() {
    let portal = portal().await;
    let an = Client::signed_in(&portal, "an@demo.motcua.vn").await;
    let (id, code, _) = submitted(&an).await;
    officer(
        &portal,
        &code,
        Action::Accept,
        Role::ReceptionOfficer,
        Vec::new(),
    )
    .await;
    officer(
        &portal,
        &code,
        Action::Assign { to: None },
        Role::Specialist,
        Vec::new(),
    )
    .await;
    officer(
        &portal,
        &code,
        Action::SubmitForApproval,
        Role::Specialist,
        Vec::new(),
    )
    .await;
    let result = b"%PDF-1.4\nban sao da chung thuc\n%%EOF\n".to_vec();
    let info = portal.services.blobs.put(&result).await.unwrap();
    let file = NewAttachment {
        file_name: "bản sao chứng thực.pdf".into(),
        media_type: "application/pdf".into(),
        size: info.size,
        sha256: motcua_store::Hash::of(&result),
        blob_key: info.key.to_hex(),
        field: None,
    };
    officer(&portal, &code, Action::Approve, Role::Approver, vec![file]).await;
    let rating = json!({
        "overall": "very-satisfied",
        "convenience": "satisfied",
        "timeliness": "very-satisfied",
        "attitude": "not-yet-satisfied",
        "comment": "Cán bộ cần hướng dẫn rõ hơn"
    });
    let early = an
        .post(&format!("/api/dossiers/{id}/rating"), rating.clone())
        .await;
    assert_problem(&early, 404, "not-found");
    officer(
        &portal,
        &code,
        Action::ReturnResult { recipient: None },
        Role::ReturnOfficer,
        Vec::new(),
    )
    .await;

    let dossier = an.get(&format!("/api/dossiers/{id}")).await.json();
    assert_eq!(dossier["stage"], "returned");
    assert_eq!(dossier["outcome"], "granted");
    assert!(dossier["accepted_at"].is_string());
    assert!(dossier["returned_at"].is_string());
    assert_eq!(dossier["actions"]["rate"], true);
    let result_file = dossier["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["result"] == true)
        .unwrap()
        .clone();
    let download = an.get(result_file["href"].as_str().unwrap()).await;
    assert_eq!(download.status, 200);
    assert_eq!(download.body.as_bytes(), result.as_slice());
    let disposition = download.header("content-disposition");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''b%E1%BA%A3n"),
        "{disposition}"
    );
    assert_eq!(download.header("cache-control"), "private, no-store");

    let incomplete = an
        .post(
            &format!("/api/dossiers/{id}/rating"),
            json!({"overall": "satisfied"}),
        )
        .await;
    assert_problem(&incomplete, 422, "invalid-input");
    let rated = an
        .post(&format!("/api/dossiers/{id}/rating"), rating.clone())
        .await;
    assert_eq!(rated.status, 201, "{}", rated.body);
    assert_eq!(rated.json()["attitude"], "not-yet-satisfied");
    let twice = an.post(&format!("/api/dossiers/{id}/rating"), rating).await;
    assert_problem(&twice, 404, "not-found");
    let dossier = an.get(&format!("/api/dossiers/{id}")).await.json();
    assert_eq!(dossier["rating"]["overall"], "very-satisfied");
    assert_eq!(dossier["rating"]["comment"], "Cán bộ cần hướng dẫn rõ hơn");
    assert_eq!(dossier["actions"]["rate"], false);
}

#[tokio::test]
async fn tracking_shows_the_status_to_the_right_pin_only() {
    let portal = portal().await;
    let an = Client::signed_in(&portal, "an@demo.motcua.vn").await;
    let (_, code, pin) = submitted(&an).await;
    let public = Client::anonymous(&portal);
    let wrong = public
        .post("/api/track", json!({"code": code, "pin": "00000000"}))
        .await;
    assert_problem(&wrong, 404, "not-found");
    let unknown = public
        .post(
            "/api/track",
            json!({"code": "000.41.01.H82-000000-9999", "pin": pin}),
        )
        .await;
    assert_problem(&unknown, 404, "not-found");
    let reply = public
        .post(
            "/api/track",
            json!({"code": code.to_lowercase(), "pin": pin}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let status = reply.json();
    assert_eq!(status["code"], code.as_str());
    assert_eq!(status["stage"], "awaiting-reception");
    assert_eq!(status["procedure_code"], "2.000815");
    assert!(status["estimate"].is_string());
    for personal in [
        "Nguyễn Văn An",
        "087095000123",
        "0912345678",
        "an@demo",
        "bang.pdf",
    ] {
        assert!(
            !reply.body.contains(personal),
            "{personal} in {}",
            reply.body
        );
    }
    // Too many wrong PINs: the code answers nobody for a while.
    for _ in 0..5 {
        public
            .post("/api/track", json!({"code": code, "pin": "11111111"}))
            .await;
    }
    let throttled = public
        .post("/api/track", json!({"code": code, "pin": pin}))
        .await;
    assert_problem(&throttled, 429, "too-many-requests");
    assert!(throttled.header("retry-after").parse::<u64>().unwrap() > 0);
}

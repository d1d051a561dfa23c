//! Applying through the API: a draft filled with `PUT`, files uploaded as
//! raw bytes and judged by their content, every problem listed at its input,
//! an idempotent submission, and nothing of it visible to anyone else.

use motcua_store::Page;
use serde_json::json;

use super::super::portal::{pdf_bytes, png_bytes, portal};
use super::{Client, PROCEDURE, assert_problem, error_fields, good_inputs, start_draft};

#[tokio::test]
async fn a_draft_is_filled_uploaded_to_checked_and_submitted_once() {
    let portal = portal().await;
    let an = Client::signed_in(&portal, "an@demo.motcua.vn").await;
    let id = start_draft(&an).await;
    let draft = an.get(&format!("/api/drafts/{id}")).await;
    assert_eq!(draft.status, 200);
    assert_eq!(draft.json()["procedure_code"], PROCEDURE);
    assert_eq!(draft.json()["submitted"], false);

    // Saved as typed, wrong values included; the check lists every problem.
    let saved = an
        .put(
            &format!("/api/drafts/{id}"),
            json!({"inputs": {"nguoi_yeu_cau_so_dinh_danh": "12345", "so_ban": "nhiều", "ten_giay_to": ""}}),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.json()["inputs"]["so_ban"], "nhiều");
    assert!(
        saved.json()["inputs"].get("ten_giay_to").is_none(),
        "blank inputs are dropped"
    );
    let check = an.post(&format!("/api/drafts/{id}/check"), json!({})).await;
    let problem = assert_problem(&check, 422, "invalid-input");
    let fields = error_fields(&problem);
    for field in [
        "nguoi_yeu_cau_so_dinh_danh",
        "so_ban",
        "ten_giay_to",
        "ban_chup",
        "agency",
        "delivery_choice",
    ] {
        assert!(fields.contains(&field.to_owned()), "{field}: {problem}");
    }
    // A delivery that is not one is refused as input.
    let wrong = an
        .put(
            &format!("/api/drafts/{id}"),
            json!({"inputs": {}, "delivery": "pigeon"}),
        )
        .await;
    assert_problem(&wrong, 422, "invalid-input");

    let saved = an.put(&format!("/api/drafts/{id}"), good_inputs()).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.json()["delivery"], "counter");
    // Only the upload is missing now.
    let check = an.post(&format!("/api/drafts/{id}/check"), json!({})).await;
    let problem = assert_problem(&check, 422, "invalid-input");
    assert_eq!(error_fields(&problem), ["ban_chup"]);

    let files = format!("/api/drafts/{id}/files");
    // Text claiming to be a PDF: the content decides.
    let fake = an
        .upload(
            &format!("{files}?field=ban_chup&name=gia.pdf"),
            "application/pdf",
            b"hello, not a pdf at all".to_vec(),
        )
        .await;
    let problem = assert_problem(&fake, 422, "invalid-input");
    assert_eq!(error_fields(&problem), ["ban_chup"]);
    // Over the field's 10 MiB: cut off and refused.
    let mut big = pdf_bytes();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let large = an
        .upload(
            &format!("{files}?field=ban_chup&name=lon.pdf"),
            "application/pdf",
            big,
        )
        .await;
    let problem = assert_problem(&large, 413, "payload-too-large");
    assert!(
        problem["detail"].as_str().unwrap().contains("10 MB"),
        "{problem}"
    );
    // Not a file field.
    let not_file = an
        .upload(
            &format!("{files}?field=so_ban&name=a.pdf"),
            "application/pdf",
            pdf_bytes(),
        )
        .await;
    assert_problem(&not_file, 422, "invalid-input");
    // A PNG sent as octet-stream under a .pdf name: kept as what it is.
    let png = an
        .upload(
            &format!("{files}?field=ban_chup&name=anh.pdf"),
            "application/octet-stream",
            png_bytes(),
        )
        .await;
    assert_eq!(png.status, 201, "{}", png.body);
    assert_eq!(png.json()["media_type"], "image/png");
    assert_eq!(png.json()["index"], 0);
    let pdf = an
        .upload(
            &format!("{files}?field=ban_chup&name=b%E1%BA%B1ng.pdf"),
            "application/pdf",
            pdf_bytes(),
        )
        .await;
    assert_eq!(pdf.status, 201, "{}", pdf.body);
    let file = pdf.json();
    assert_eq!(file["media_type"], "application/pdf");
    assert_eq!(file["file_name"], "bằng.pdf");
    assert_eq!(file["field"], "ban_chup");
    assert_eq!(file["size"], pdf_bytes().len());
    assert_eq!(file["index"], 1);
    // The PNG goes again.
    let removed = an.delete(&format!("{files}/0")).await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let remaining = removed.json()["files"].as_array().unwrap().clone();
    assert_eq!(remaining.len(), 1);
    assert_eq!(remaining[0]["media_type"], "application/pdf");
    assert_problem(&an.delete(&format!("{files}/5")).await, 404, "not-found");

    let check = an.post(&format!("/api/drafts/{id}/check"), json!({})).await;
    assert_eq!(check.status, 200, "{}", check.body);
    assert_eq!(check.json(), json!({"ok": true}));

    // Submitted: 201, then the same again as 200 with `already`.
    let first = an
        .post(&format!("/api/drafts/{id}/submit"), json!({}))
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(first.header("location"), format!("/api/dossiers/{id}"));
    let first = first.json();
    assert_eq!(first["already"], false);
    assert_eq!(first["dossier_id"], id.as_str());
    let code = first["code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("000.41.01.H82-"), "{code}");
    assert_eq!(first["pin"].as_str().unwrap().len(), 8);
    let estimate = first["estimate"].as_str().unwrap();
    assert!(
        chrono::NaiveDate::parse_from_str(estimate, "%Y-%m-%d").is_ok(),
        "an ISO date: {estimate}"
    );
    let second = an
        .post(&format!("/api/drafts/{id}/submit"), json!({}))
        .await;
    assert_eq!(second.status, 200, "{}", second.body);
    let second = second.json();
    assert_eq!(second["already"], true);
    assert_eq!(second["code"], code.as_str());
    assert_eq!(second["pin"], first["pin"]);

    let store = &portal.services.store;
    let user = store
        .user_by_login("an@demo.motcua.vn")
        .await
        .unwrap()
        .unwrap();
    let mine = store
        .dossiers_of_applicant(user.id, Page::first(10))
        .await
        .unwrap();
    assert_eq!(mine.len(), 1, "exactly one dossier");
    assert_eq!(store.attachments(mine[0].id).await.unwrap().len(), 1);

    // The draft is closed: it no longer changes, nor is it listed.
    assert_eq!(
        an.get(&format!("/api/drafts/{id}")).await.json()["submitted"],
        true
    );
    assert_problem(
        &an.put(&format!("/api/drafts/{id}"), good_inputs()).await,
        404,
        "not-found",
    );
    assert_problem(
        &an.upload(
            &format!("{files}?field=ban_chup"),
            "application/pdf",
            pdf_bytes(),
        )
        .await,
        404,
        "not-found",
    );
    assert_eq!(an.get("/api/drafts").await.json(), json!([]));
}

#[tokio::test]
async fn drafts_are_listed_and_thrown_away() {
    let portal = portal().await;
    let an = Client::signed_in(&portal, "an@demo.motcua.vn").await;
    let first = start_draft(&an).await;
    let second = start_draft(&an).await;
    let list = an.get("/api/drafts").await;
    assert_eq!(list.status, 200);
    let ids: Vec<String> = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&first) && ids.contains(&second));
    assert_eq!(an.delete(&format!("/api/drafts/{first}")).await.status, 204);
    assert_problem(
        &an.get(&format!("/api/drafts/{first}")).await,
        404,
        "not-found",
    );
    assert_eq!(
        an.get("/api/drafts").await.json().as_array().unwrap().len(),
        1
    );
    // An unknown procedure, an unreadable id.
    assert_problem(
        &an.post("/api/drafts", json!({"procedure": "9.999999"}))
            .await,
        404,
        "not-found",
    );
    assert_problem(&an.get("/api/drafts/not-an-id").await, 404, "not-found");
}

#[tokio::test]
async fn another_persons_draft_is_not_found() {
    let portal = portal().await;
    let an = Client::signed_in(&portal, "an@demo.motcua.vn").await;
    let id = start_draft(&an).await;
    assert_eq!(
        an.put(&format!("/api/drafts/{id}"), good_inputs())
            .await
            .status,
        200
    );
    let other = Client::signed_in(&portal, "senhong@demo.motcua.vn").await;
    assert_problem(
        &other.get(&format!("/api/drafts/{id}")).await,
        404,
        "not-found",
    );
    assert_problem(
        &other
            .put(&format!("/api/drafts/{id}"), json!({"inputs": {}}))
            .await,
        404,
        "not-found",
    );
    assert_problem(
        &other
            .upload(
                &format!("/api/drafts/{id}/files?field=ban_chup"),
                "application/pdf",
                pdf_bytes(),
            )
            .await,
        404,
        "not-found",
    );
    assert_problem(
        &other
            .post(&format!("/api/drafts/{id}/submit"), json!({}))
            .await,
        404,
        "not-found",
    );
    assert_problem(
        &other.delete(&format!("/api/drafts/{id}")).await,
        404,
        "not-found",
    );
    assert!(
        other
            .get("/api/drafts")
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Still An's, untouched.
    let draft = an.get(&format!("/api/drafts/{id}")).await.json();
    assert_eq!(draft["inputs"]["so_ban"], "2");
}

//! Applying online: the form from the catalog, drafts, checks at their
//! fields, uploads checked by content and size, an idempotent submission,
//! the receipt and its confirmation.

use chrono::Utc;
use motcua_store::Page;

use super::{Browser, between, pdf_bytes, png_bytes, portal};

/// Chứng thực bản sao từ bản chính: decided by each commune, one upload.
const PROCEDURE: &str = "2.000815";

async fn start_draft(browser: &mut Browser<'_>) -> String {
    let reply = browser
        .post(&format!("/thu-tuc/{PROCEDURE}/nop"), &[])
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let location = reply.header("location").to_owned();
    assert!(location.starts_with("/nop-ho-so/"), "{location}");
    location.trim_start_matches("/nop-ho-so/").to_owned()
}

const GOOD: &[(&str, &str)] = &[
    ("agency", "000.41.01.H82"),
    ("nguoi_yeu_cau_ho_ten", "Nguyễn Văn An"),
    ("nguoi_yeu_cau_so_dinh_danh", "087095000123"),
    ("nguoi_yeu_cau_dien_thoai", "0912 345 678"),
    ("ten_giay_to", "Bằng tốt nghiệp trung học phổ thông"),
    ("co_quan_cap", "Sở Giáo dục và Đào tạo Đồng Tháp"),
    ("so_trang", "1"),
    ("so_ban", "2"),
    ("delivery", "counter"),
    ("action", "save"),
];

#[tokio::test]
async fn applying_needs_an_account() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    let reply = browser
        .post(&format!("/thu-tuc/{PROCEDURE}/nop"), &[])
        .await;
    assert_eq!(reply.status, 401);
    let page = browser.get("/ho-so").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.header("location"), "/dang-nhap?tiep=/ho-so");
}

#[tokio::test]
async fn an_unknown_procedure_is_not_found() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    assert_eq!(browser.get("/thu-tuc/9.999999").await.status, 404);
    browser.sign_in("an@demo.motcua.vn").await;
    let reply = browser.post("/thu-tuc/9.999999/nop", &[]).await;
    assert_eq!(reply.status, 404);
    assert!(
        reply.body.contains("Không tìm thấy thủ tục"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn the_form_comes_from_the_catalog_and_problems_show_at_their_fields() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    browser.sign_in("an@demo.motcua.vn").await;
    let id = start_draft(&mut browser).await;
    let page = browser.get(&format!("/nop-ho-so/{id}")).await;
    assert_eq!(page.status, 200);
    for input in [
        "name=\"ten_giay_to\"",
        "name=\"so_ban\"",
        "name=\"agency\"",
        "name=\"delivery\"",
        "enctype=\"multipart/form-data\"",
    ] {
        assert!(page.body.contains(input), "{input}");
    }
    // What the account knows is filled in already.
    assert!(
        page.body
            .contains("name=\"nguoi_yeu_cau_so_dinh_danh\" value=\"087095000123\"")
    );
    assert!(
        page.body
            .contains("name=\"nguoi_yeu_cau_dien_thoai\" value=\"0912345678\"")
    );
    assert!(
        page.body
            .contains("name=\"nguoi_yeu_cau_email\" value=\"an@demo.motcua.vn\"")
    );
    // Only counter delivery: the procedure is neither by post nor fully online.
    assert!(!page.body.contains("value=\"post\""));

    // Saved as typed, wrong values included, then checked.
    let reply = browser
        .post(
            &format!("/nop-ho-so/{id}"),
            &[
                ("nguoi_yeu_cau_so_dinh_danh", "12345"),
                ("so_ban", "nhiều"),
                ("action", "check"),
            ],
        )
        .await;
    assert_eq!(reply.status, 422);
    let body = &reply.body;
    assert!(body.contains("class=\"error-summary\""));
    assert!(body.contains("12 chữ số"), "identity message");
    assert!(body.contains("Hãy nhập một số nguyên"), "number message");
    assert!(body.contains("Chưa nhập thông tin này"), "required message");
    assert!(
        body.contains("value=\"12345\""),
        "what was typed comes back"
    );
    assert!(
        body.contains("href=\"#ban_chup\""),
        "the summary links to the upload"
    );

    // A missing CSRF token changes nothing.
    let reply = browser
        .post_raw(
            &format!("/nop-ho-so/{id}"),
            &[("so_ban", "3"), ("action", "save")],
        )
        .await;
    assert_eq!(reply.status, 403);
    let page = browser.get(&format!("/nop-ho-so/{id}")).await;
    assert!(page.body.contains("value=\"nhiều\""));
}

#[tokio::test]
async fn uploads_are_checked_by_content_and_size() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    browser.sign_in("an@demo.motcua.vn").await;
    let id = start_draft(&mut browser).await;
    let path = format!("/nop-ho-so/{id}/tep");

    // A PNG named .pdf: its content decides, and PNG is accepted here.
    let reply = browser
        .post_multipart(
            &path,
            &[("field", "ban_chup")],
            &[("file", "ban-chup.pdf", "application/pdf", png_bytes())],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);

    // Text dressed as a PDF is refused.
    let reply = browser
        .post_multipart(
            &path,
            &[("field", "ban_chup")],
            &[(
                "file",
                "gia.pdf",
                "application/pdf",
                b"hello, not a pdf".to_vec(),
            )],
        )
        .await;
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains("Tệp không đúng loại"), "{}", reply.body);

    // Over the field's 10 MiB: cut off and refused.
    let mut big = pdf_bytes();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let reply = browser
        .post_multipart(
            &path,
            &[("field", "ban_chup")],
            &[("file", "lon.pdf", "application/pdf", big)],
        )
        .await;
    assert_eq!(reply.status, 413);
    assert!(reply.body.contains("Tệp lớn quá 10 MB"), "{}", reply.body);

    // Without the token first, nothing is read.
    let reply = browser
        .request(
            axum::http::Request::post(&path).header("content-type", "multipart/form-data; boundary=x"),
            axum::body::Body::from("--x\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nban_chup\r\n--x--\r\n"),
        )
        .await;
    assert_eq!(reply.status, 403);

    // A field that takes several files keeps them all.
    let reply = browser
        .post_multipart(
            &path,
            &[("field", "ban_chup")],
            &[("file", "ban-chup.pdf", "application/pdf", pdf_bytes())],
        )
        .await;
    assert_eq!(reply.status, 303);
    let store = &portal.services.store;
    let draft = store.draft(id.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(draft.files.len(), 2);
    assert_eq!(
        draft.files[0].media_type, "image/png",
        "the type read from the content"
    );
    assert_eq!(draft.files[1].media_type, "application/pdf");
    assert_eq!(draft.files[1].file_name, "ban-chup.pdf");
    // Removing one leaves the other.
    assert_eq!(
        browser
            .post(&format!("/nop-ho-so/{id}/tep/0/xoa"), &[])
            .await
            .status,
        303
    );
    let draft = store.draft(id.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(draft.files.len(), 1);
    assert_eq!(draft.files[0].media_type, "application/pdf");
}

#[tokio::test]
async fn submitting_twice_makes_one_dossier_with_a_receipt_and_a_confirmation() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    browser.sign_in("an@demo.motcua.vn").await;
    let id = start_draft(&mut browser).await;
    assert_eq!(
        browser.post(&format!("/nop-ho-so/{id}"), GOOD).await.status,
        303
    );

    // Without the required upload, submission shows what is missing.
    let reply = browser.post(&format!("/nop-ho-so/{id}/nop"), &[]).await;
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains("href=\"#ban_chup\""));

    let upload = browser
        .post_multipart(
            &format!("/nop-ho-so/{id}/tep"),
            &[("field", "ban_chup")],
            &[("file", "bang.pdf", "application/pdf", pdf_bytes())],
        )
        .await;
    assert_eq!(upload.status, 303);

    let first = browser.post(&format!("/nop-ho-so/{id}/nop"), &[]).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let receipt_path = first.header("location").to_owned();
    assert_eq!(receipt_path, format!("/ho-so/{id}/bien-nhan"));
    // The same request again (a double click, a retry): the same dossier.
    let second = browser.post(&format!("/nop-ho-so/{id}/nop"), &[]).await;
    assert_eq!(second.status, 303);
    assert_eq!(second.header("location"), receipt_path);

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
    assert_eq!(mine.len(), 1, "one dossier");
    let dossier = &mine[0];
    assert!(
        dossier.code.as_str().starts_with("000.41.01.H82-"),
        "{}",
        dossier.code.as_str()
    );
    assert_eq!(
        dossier.state.clock.accepted_at, None,
        "the legal clock waits for an officer"
    );
    assert_eq!(store.attachments(dossier.id).await.unwrap().len(), 1);

    let receipt = browser.get(&receipt_path).await;
    assert_eq!(receipt.status, 200);
    assert!(receipt.body.contains(dossier.code.as_str()));
    let pin = between(&receipt.body, "<strong class=\"pin\">", "</strong>")
        .unwrap()
        .to_owned();
    assert_eq!(pin.len(), 8);
    assert!(receipt.body.contains("<svg"), "a QR code");
    assert!(
        receipt.body.contains("ước tính"),
        "the estimate is labelled"
    );

    // The confirmation waits in the outbox, once.
    let jobs = store
        .claim_jobs("test", Utc::now(), chrono::TimeDelta::minutes(1), 100)
        .await
        .unwrap();
    let mails: Vec<_> = jobs
        .iter()
        .filter(|j| {
            j.kind == "email.send"
                && j.payload["subject"]
                    .as_str()
                    .unwrap()
                    .contains(dossier.code.as_str())
        })
        .collect();
    assert_eq!(mails.len(), 1);
    let text = mails[0].payload["text"].as_str().unwrap();
    assert!(text.contains(&pin), "{text}");
    assert_eq!(mails[0].payload["to"], "an@demo.motcua.vn");
    assert!(
        jobs.iter()
            .any(|j| j.kind == "sms.send" && j.payload["to"] == "+84912345678")
    );

    // The dossier page shows the timeline; the draft list no longer has it.
    let list = browser.get("/ho-so").await;
    assert!(list.body.contains(dossier.code.as_str()));
    assert!(!list.body.contains(&format!("/nop-ho-so/{id}")));
    let page = browser.get(&format!("/ho-so/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("bang.pdf"));
}

#[tokio::test]
async fn another_person_sees_nothing_of_it() {
    let portal = portal().await;
    let mut an = Browser::new(&portal);
    an.sign_in("an@demo.motcua.vn").await;
    let id = start_draft(&mut an).await;
    let mut other = Browser::new(&portal);
    other.sign_in("senhong@demo.motcua.vn").await;
    assert_eq!(other.get(&format!("/nop-ho-so/{id}")).await.status, 404);
    assert_eq!(
        other
            .post(&format!("/nop-ho-so/{id}/nop"), &[])
            .await
            .status,
        404
    );
    assert_eq!(other.get(&format!("/ho-so/{id}")).await.status, 404);
}

//! After submission: the applicant answers a supplement request, amends,
//! withdraws, downloads the result and rates the service. The officers'
//! actions are taken through the store, as the back office will.

use chrono::{TimeDelta, Utc};
use motcua_domain::calendar::{OfficeHours, WorkCalendar};
use motcua_domain::lifecycle::{Action, Clockwork, Role, Stage};
use motcua_store::{DossierId, NewAttachment, NewEvent};

use super::{Browser, Portal, pdf_bytes, portal, submitted};

/// An officer's action on the dossier `code`, now, with files.
pub(super) async fn officer(
    portal: &Portal,
    code: &str,
    action: Action,
    role: Role,
    files: Vec<NewAttachment>,
) -> DossierId {
    let store = &portal.services.store;
    let dossier = store.dossier_by_code(code).await.unwrap().unwrap();
    let calendar = WorkCalendar::bundled().unwrap();
    let hours = OfficeHours::standard();
    let at = Utc::now();
    let event = dossier
        .state
        .decide(
            action,
            role,
            at,
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
            NewEvent {
                actor: None,
                event,
                attachments: files,
                jobs: Vec::new(),
            },
        )
        .await
        .unwrap();
    dossier.id
}

pub(super) async fn stage(portal: &Portal, id: DossierId) -> Stage {
    portal
        .services
        .store
        .dossier(id)
        .await
        .unwrap()
        .unwrap()
        .state
        .stage
}

#[tokio::test]
async fn a_supplement_request_is_answered_with_documents_then_the_dossier_is_withdrawn() {
    let portal = portal().await;
    let mut an = Browser::new(&portal);
    let (code, _) = submitted(&mut an).await;
    let id = officer(
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
    let page = an.get(&format!("/ho-so/{id}")).await;
    assert!(page.body.contains("action=\"/ho-so/"));
    assert!(
        page.body.contains("Bản chụp bị mờ"),
        "the reason is on the timeline"
    );

    // Nothing attached: the problem is shown at the input.
    let empty = an
        .post_multipart(&format!("/ho-so/{id}/bo-sung"), &[], &[])
        .await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("href=\"#files\""));
    // A file of the wrong kind is refused before anything is recorded.
    let wrong = an
        .post_multipart(
            &format!("/ho-so/{id}/bo-sung"),
            &[],
            &[("files", "x.pdf", "application/pdf", b"plain text".to_vec())],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert_eq!(stage(&portal, id).await, Stage::ReceptionSupplement);

    let done = an
        .post_multipart(
            &format!("/ho-so/{id}/bo-sung"),
            &[],
            &[("files", "ro-net.pdf", "application/pdf", pdf_bytes())],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(stage(&portal, id).await, Stage::AwaitingReception);
    let files = portal.services.store.attachments(id).await.unwrap();
    assert!(files.iter().any(|f| f.file_name == "ro-net.pdf"));

    // Amend: a summary is required.
    let no_summary = an
        .post_multipart(&format!("/ho-so/{id}/sua-doi"), &[("summary", " ")], &[])
        .await;
    assert_eq!(no_summary.status, 422);
    let amended = an
        .post_multipart(
            &format!("/ho-so/{id}/sua-doi"),
            &[("summary", "Sửa số trang: 2")],
            &[],
        )
        .await;
    assert_eq!(amended.status, 303);

    // Withdraw, with a reason.
    assert_eq!(
        an.post(&format!("/ho-so/{id}/rut"), &[("reason", "")])
            .await
            .status,
        422
    );
    assert_eq!(
        an.post(&format!("/ho-so/{id}/rut"), &[("reason", "Không cần nữa")])
            .await
            .status,
        303
    );
    assert_eq!(stage(&portal, id).await, Stage::Withdrawn);
    let page = an.get(&format!("/ho-so/{id}")).await;
    assert!(!page.body.contains("/rut\""), "no withdrawing twice");

    // Each change was announced to the applicant.
    let jobs = portal
        .services
        .store
        .claim_jobs(
            "test",
            Utc::now() + TimeDelta::hours(1),
            TimeDelta::minutes(1),
            100,
        )
        .await
        .unwrap();
    let notices = jobs
        .iter()
        .filter(|j| {
            j.kind == "email.send" && j.payload["subject"].as_str().unwrap().contains("rút")
        })
        .count();
    assert_eq!(notices, 1, "the withdrawal is announced");
}

#[tokio::test]
async fn the_result_is_downloaded_and_the_service_rated_once() {
    let portal = portal().await;
    let mut an = Browser::new(&portal);
    let (code, _) = submitted(&mut an).await;
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
    let attachment = NewAttachment {
        file_name: "ban-sao-chung-thuc.pdf".into(),
        media_type: "application/pdf".into(),
        size: info.size,
        sha256: motcua_store::Hash::of(&result),
        blob_key: info.key.to_hex(),
        field: None,
    };
    officer(
        &portal,
        &code,
        Action::Approve,
        Role::Approver,
        vec![attachment],
    )
    .await;
    // Not returned yet: no rating.
    let id = officer(
        &portal,
        &code,
        Action::ReturnResult { recipient: None },
        Role::ReturnOfficer,
        Vec::new(),
    )
    .await;

    let page = an.get(&format!("/ho-so/{id}")).await;
    assert!(page.body.contains("ban-sao-chung-thuc.pdf"));
    let file = portal
        .services
        .store
        .attachments(id)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.file_name == "ban-sao-chung-thuc.pdf")
        .unwrap();
    let download = an.get(&format!("/ho-so/{id}/tep/{}", file.id)).await;
    assert_eq!(download.status, 200);
    assert_eq!(download.body.as_bytes(), result.as_slice());
    assert_eq!(download.header("content-type"), "application/pdf");
    assert!(
        download
            .header("content-disposition")
            .starts_with("attachment;")
    );
    // Someone else cannot.
    let mut other = Browser::new(&portal);
    other.sign_in("senhong@demo.motcua.vn").await;
    assert_eq!(
        other
            .get(&format!("/ho-so/{id}/tep/{}", file.id))
            .await
            .status,
        404
    );

    let incomplete = an
        .post(
            &format!("/ho-so/{id}/danh-gia"),
            &[("overall", "satisfied")],
        )
        .await;
    assert_eq!(incomplete.status, 422);
    let rating = [
        ("overall", "very-satisfied"),
        ("convenience", "satisfied"),
        ("timeliness", "very-satisfied"),
        ("attitude", "not-yet-satisfied"),
        ("comment", "Cán bộ cần hướng dẫn rõ hơn"),
    ];
    assert_eq!(
        an.post(&format!("/ho-so/{id}/danh-gia"), &rating)
            .await
            .status,
        303
    );
    let stored = portal.services.store.rating(id).await.unwrap().unwrap();
    assert_eq!(stored.attitude, motcua_store::Satisfaction::NotYetSatisfied);
    assert_eq!(
        an.post(&format!("/ho-so/{id}/danh-gia"), &rating)
            .await
            .status,
        404,
        "once"
    );
    let page = an.get(&format!("/ho-so/{id}")).await;
    assert!(page.body.contains("Bạn đã đánh giá: Rất hài lòng"));
}

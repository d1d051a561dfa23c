//! Paying a fee online through the portal's pages: the dossier page offers
//! it, the checkout sends the browser to the (sandbox) gateway and back,
//! the notice settles it once, the receipt is there to download, and the
//! dossier's clock runs again.

use motcua_domain::catalog::ServiceLevel;
use motcua_domain::lifecycle::{Action, AssessedFee, Role, Stage};

use super::after::{officer, stage};
use super::{Browser, between, portal, submitted};

const FEE: &str = "Lệ phí chứng thực bản sao — trang thứ nhất và thứ hai";

/// The path and query of an absolute link to this portal.
fn local(location: &str) -> &str {
    location.trim_start_matches("http://portal.test")
}

#[tokio::test]
async fn a_fee_is_paid_in_the_sandbox_and_its_receipt_downloaded() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    let (code, _) = submitted(&mut browser).await;
    // Certification is a level-3 service in the demo catalog; here it is
    // offered at level 4, with online payment.
    let store = &portal.services.store;
    let dossier = store.dossier_by_code(&code).await.unwrap().unwrap();
    let mut version = store
        .procedure_in_force(&dossier.procedure_code, dossier.procedure_version)
        .await
        .unwrap()
        .unwrap();
    version.procedure.level = ServiceLevel::Full;
    store.put_procedure_version(&version).await.unwrap();
    officer(
        &portal,
        &code,
        Action::Accept,
        Role::ReceptionOfficer,
        vec![],
    )
    .await;
    officer(
        &portal,
        &code,
        Action::Assign { to: None },
        Role::Specialist,
        vec![],
    )
    .await;
    let request = Action::RequestPayment {
        fees: vec![AssessedFee {
            name: FEE.into(),
            count: 1,
            amount_vnd: 2_000,
        }],
    };
    let id = officer(&portal, &code, request, Role::Specialist, vec![]).await;
    assert_eq!(stage(&portal, id).await, Stage::AwaitingPayment);

    let page = browser.get(&format!("/ho-so/{id}")).await;
    assert!(page.body.contains(FEE), "{}", page.body);
    assert!(page.body.contains("2.000 đ"));
    assert!(
        page.body
            .contains(&format!("action=\"/ho-so/{id}/nop-phi\""))
    );

    let started = browser.post(&format!("/ho-so/{id}/nop-phi"), &[]).await;
    assert_eq!(started.status, 303, "{}", started.body);
    let checkout = started.header("location").to_owned();
    let page = browser.get(&checkout).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("môi trường thử nghiệm"));
    let reference = between(&page.body, "action=\"/thanh-toan/giao-dich/", "\"")
        .unwrap()
        .to_owned();

    // To the gateway, which shows what is paid, and back.
    let to_gateway = browser
        .post(&format!("/thanh-toan/giao-dich/{reference}"), &[])
        .await;
    assert_eq!(to_gateway.status, 303);
    let gateway = local(to_gateway.header("location")).to_owned();
    assert!(gateway.starts_with("/thanh-toan/thu-nghiem?"), "{gateway}");
    let page = browser.get(&gateway).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&reference) && page.body.contains("2.000 đ"));
    let query = gateway
        .trim_start_matches("/thanh-toan/thu-nghiem?")
        .to_owned();
    // A URL whose amount was changed is not the gateway's to take.
    let tampered = gateway.replace("vnp_Amount=200000", "vnp_Amount=100");
    assert_eq!(browser.get(&tampered).await.status, 404);

    let paid = browser
        .post(
            "/thanh-toan/thu-nghiem",
            &[("q", query.as_str()), ("tra", "1")],
        )
        .await;
    assert_eq!(paid.status, 303, "{}", paid.body);
    let back = local(paid.header("location")).to_owned();
    assert!(back.starts_with("/thanh-toan/ket-qua?"));
    let result = browser.get(&back).await;
    assert_eq!(result.status, 200, "{}", result.body);
    assert!(result.body.contains("Đã thanh toán"));
    let receipt_link = format!("/thanh-toan/giao-dich/{reference}/bien-lai");
    assert!(result.body.contains(&receipt_link));

    // The gateway's notice again: already confirmed, in its JSON.
    let ipn = back.replace("/thanh-toan/ket-qua?", "/thanh-toan/vnpay/ipn?");
    let answer = browser.get(&ipn).await;
    assert_eq!(answer.status, 200);
    assert!(
        answer.body.contains("\"RspCode\":\"02\""),
        "{}",
        answer.body
    );
    let forged = ipn.replace("vnp_TransactionNo=", "vnp_TransactionNo=9");
    assert!(
        browser
            .get(&forged)
            .await
            .body
            .contains("\"RspCode\":\"97\"")
    );

    // Paid: the clock runs again; the receipt is there for the applicant,
    // and for no one else.
    assert_eq!(stage(&portal, id).await, Stage::InProcess);
    let receipt = browser.get(&receipt_link).await;
    assert_eq!(receipt.status, 200, "{}", receipt.body);
    for text in [
        "BIÊN LAI THU TIỀN PHÍ, LỆ PHÍ",
        "Số: 0000001",
        FEE,
        "Hai nghìn đồng",
    ] {
        assert!(receipt.body.contains(text), "{text}");
    }
    let page = browser.get(&format!("/ho-so/{id}")).await;
    assert!(page.body.contains(&receipt_link));
    let mut stranger = Browser::new(&portal);
    stranger.sign_in("senhong@demo.motcua.vn").await;
    assert_eq!(stranger.get(&receipt_link).await.status, 404);
    assert_eq!(stranger.get(&checkout).await.status, 404);
}

//! A result by post: the address picked from the list of units, the
//! postage and J + n shown before submitting, and the estimate that adds
//! the post's return leg between the deciding agency's commune and the
//! address's.

use motcua_domain::calendar::{self, WorkCalendar};
use motcua_domain::postal::{self, RouteClass};
use motcua_store::Page;

use super::{Browser, portal};

/// Cấp bản sao từ sổ gốc: same day, by post allowed, decided by a commune.
fn fields<'a>(agency: &'a str, address_commune: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("agency", agency),
        ("nguoi_yeu_cau_ho_ten", "Nguyễn Văn An"),
        ("nguoi_yeu_cau_so_dinh_danh", "087095000123"),
        ("nguoi_yeu_cau_dien_thoai", "0912345678"),
        ("nguoi_yeu_cau_dia_chi.province", "82"),
        ("nguoi_yeu_cau_dia_chi.commune", "28261"),
        ("nguoi_yeu_cau_dia_chi.detail", "12 Lý Thường Kiệt"),
        ("quan_he", "Người được cấp bản chính"),
        ("ten_giay_to", "Giấy khai sinh"),
        ("nguoi_duoc_cap_ban_chinh", "Nguyễn Văn An"),
        ("so_ban", "1"),
        ("delivery", "post"),
        ("delivery.province", "82"),
        ("delivery.commune", address_commune),
        ("delivery.detail", "12 Lý Thường Kiệt"),
        ("action", "save"),
    ]
}

#[tokio::test]
async fn the_estimate_adds_the_return_leg_by_post() {
    let portal = portal().await;
    let mut an = Browser::new(&portal);
    an.sign_in("an@demo.motcua.vn").await;

    // A post address needs a commune (or an old address as text).
    let start = an.post("/thu-tuc/2.000908/nop", &[]).await;
    let draft = start.header("location").to_owned();
    let mut missing = fields("000.41.01.H82", "");
    missing.retain(|(k, _)| *k != "delivery.commune");
    missing.push(("action", "check"));
    missing.retain(|(k, v)| !(*k == "action" && *v == "save"));
    let reply = an.post(&draft, &missing).await;
    assert_eq!(reply.status, 422);
    assert!(
        reply.body.contains("Hãy chọn xã, phường hoặc đặc khu"),
        "{}",
        reply.body
    );

    // Decided in Cao Lãnh, posted to Mỹ Tho: both in Đồng Tháp.
    assert_eq!(
        an.post(&draft, &fields("000.41.01.H82", "28261"))
            .await
            .status,
        303
    );
    // Before submitting, the page says what the post costs and takes, as
    // the tariff and the route rules have it, and that the price is for
    // reference (the bundled tariff is not the province's own).
    let page = an.get(&draft).await;
    let quote = page
        .body
        .split("id=\"post-quote\"")
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .unwrap_or_else(|| panic!("no postal quote in {}", page.body));
    for words in [
        "Nhận kết quả qua bưu chính công ích",
        "tuyến liên huyện trong tỉnh",
        "chuyển phát tối đa 2 ngày làm việc",
        "cước 30.000 đ một chiều",
        "Cước để tham khảo",
    ] {
        assert!(quote.contains(words), "{words:?} not in {quote}");
    }
    let done = an.post(&format!("{draft}/nop"), &[]).await;
    assert_eq!(done.status, 303, "{}", done.body);

    let store = &portal.services.store;
    let user = store
        .user_by_login("an@demo.motcua.vn")
        .await
        .unwrap()
        .unwrap();
    let dossier = store
        .dossiers_of_applicant(user.id, Page::first(1))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(dossier.delivery, motcua_store::Delivery::Post);
    assert!(
        dossier
            .applicant
            .address
            .as_deref()
            .unwrap()
            .contains("Mỹ Tho")
    );

    // Same-day processing, then J+2 (between districts of a province)
    // counted in working days from the day the decision is due.
    let calendar = WorkCalendar::bundled().unwrap();
    let hours = motcua_domain::calendar::OfficeHours::standard();
    let decided = calendar
        .due(
            calendar::to_local(dossier.state.entered_at),
            motcua_domain::calendar::Period::WorkingDays(0),
            &hours,
        )
        .unwrap();
    let expected = postal::delivery_due(
        &calendar,
        decided.date(),
        RouteClass::BetweenDistricts,
        false,
    )
    .unwrap();
    assert!(
        quote.contains(&expected.format("%d/%m/%Y").to_string()),
        "expected {expected} in {quote}"
    );
    let receipt = an.get(done.header("location")).await;
    assert!(
        receipt
            .body
            .contains(&expected.format("%d/%m/%Y").to_string()),
        "expected {expected} in {}",
        receipt.body
    );
}

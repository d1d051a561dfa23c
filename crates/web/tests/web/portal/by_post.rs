//! The post's leg through the pages: the applicant asks the post to
//! collect the papers; the postal worker sees the booking, prints the
//! slip, records the collection and draws up the hand-over record; the
//! reception officer confirms it and the dossier is entered; the result
//! goes out on a record the postal worker confirms with its waybill, and
//! its delivery returns it.

use chrono::{NaiveDate, TimeDelta, Utc};
use motcua_app::office::{Official, act};
use motcua_domain::calendar::WorkCalendar;
use motcua_domain::lifecycle::{Action, Channel, Stage};
use motcua_store::DossierId;

use super::{Browser, between, portal};

/// The next working day after tomorrow, as the date input writes it.
fn pickup_day() -> String {
    let calendar = WorkCalendar::bundled().unwrap();
    let mut day: NaiveDate =
        motcua_domain::calendar::to_local(Utc::now()).date() + TimeDelta::days(2);
    while !calendar.is_working_day(day).unwrap() {
        day += TimeDelta::days(1);
    }
    day.to_string()
}

/// The id in the first `prefix{id}suffix` of `body`.
fn id_after<'a>(body: &'a str, prefix: &str, suffix: &str) -> &'a str {
    between(body, prefix, suffix).unwrap_or_else(|| panic!("no {prefix} in {body}"))
}

async fn official(portal: &super::Portal, login: &str) -> Official {
    let svc = &portal.services;
    let user = svc.store.user_by_login(login).await.unwrap().unwrap();
    Official::of(svc, user).await.unwrap()
}

#[tokio::test]
async fn the_post_collects_the_papers_and_delivers_the_result() {
    let portal = portal().await;
    let svc = &portal.services;
    let mut an = Browser::new(&portal);
    an.sign_in("an@demo.motcua.vn").await;
    let start = an.post("/thu-tuc/1.004873/nop", &[]).await;
    let draft = start.header("location").to_owned();
    let day = pickup_day();
    let fields = [
        ("nguoi_yeu_cau_ho_ten", "Nguyễn Văn An"),
        ("nguoi_yeu_cau_ngay_sinh", "15/05/1995"),
        ("nguoi_yeu_cau_so_dinh_danh", "087095000123"),
        ("nguoi_yeu_cau_dien_thoai", "0912345678"),
        ("nguoi_yeu_cau_noi_cu_tru.province", "82"),
        ("nguoi_yeu_cau_noi_cu_tru.commune", "29869"),
        ("nguoi_yeu_cau_noi_cu_tru.detail", "Số 12 đường Nguyễn Huệ"),
        ("tinh_trang_hon_nhan", "Chưa đăng ký kết hôn với ai"),
        ("muc_dich_su_dung", "Mục đích khác"),
        ("muc_dich_khac", "Mua nhà"),
        ("agency", "000.41.01.H82"),
        ("delivery", "post"),
        ("delivery.province", "82"),
        ("delivery.commune", "29869"),
        ("delivery.detail", "Số 12 đường Nguyễn Huệ"),
        ("dispatch", "post"),
        ("pickup.day", day.as_str()),
        ("pickup.slot", "morning"),
        ("action", "save"),
    ];
    assert_eq!(an.post(&draft, &fields).await.status, 303);
    // Both legs are quoted before sending.
    let page = an.get(&draft).await;
    let quote = between(&page.body, "id=\"post-quote\"", "</div>").unwrap();
    for words in [
        "Gửi hồ sơ qua bưu chính công ích",
        "Nhận kết quả qua bưu chính công ích",
        "Thời hạn giải quyết tính từ khi cơ quan nhận hồ sơ",
    ] {
        assert!(quote.contains(words), "{words:?} not in {quote}");
    }
    assert!(page.body.contains("Hẹn bưu điện đến nhận hồ sơ"));
    let booked = an.post(&format!("{draft}/nop"), &[]).await;
    assert_eq!(booked.status, 303, "{}", booked.body);
    let page = an.get(booked.header("location")).await;
    assert!(
        page.body.contains("Đã đặt lịch nhận hồ sơ"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Hủy lịch hẹn"));
    // Frozen while the post comes: a change is refused, said in words.
    let refused = an.post(&draft, &fields).await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("Bưu điện đang đến nhận hồ sơ này"));

    // The postal worker sees the booking, prints the slip and collects.
    let mut postman = Browser::new(&portal);
    postman.sign_in("buudien@demo.motcua.vn").await;
    assert!(
        postman
            .get("/can-bo")
            .await
            .body
            .contains("/can-bo/buu-dien")
    );
    let board = postman.get("/can-bo/buu-dien").await;
    assert_eq!(board.status, 200);
    let consignment = id_after(&board.body, "action=\"/can-bo/buu-dien/", "/nhan").to_owned();
    let slip = postman
        .get(&format!("/can-bo/buu-dien/{consignment}/phieu"))
        .await;
    assert_eq!(slip.status, 200);
    for words in [
        "Phiếu gửi hồ sơ",
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        "Nguyễn Văn An",
        "Ủy ban nhân dân phường Cao Lãnh",
    ] {
        assert!(slip.body.contains(words), "{words:?} not in the slip");
    }
    let collect = format!("/can-bo/buu-dien/{consignment}/nhan");
    let wrong = postman
        .post(
            &collect,
            &[
                ("waybill", "EE473124828VN"),
                ("postage", "26.000"),
                ("fees", "10.000"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    // Said at the row's input, with what was typed kept.
    assert!(
        wrong
            .body
            .contains(&format!("href=\"#waybill-{consignment}\"")),
        "{}",
        wrong.body
    );
    assert!(
        wrong.body.contains("value=\"EE473124828VN\""),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains("value=\"10.000\""), "{}", wrong.body);
    let done = postman
        .post(
            &collect,
            &[
                ("waybill", "EE473124829VN"),
                ("postage", "26.000"),
                ("fees", "10.000"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let board = postman.get("/can-bo/buu-dien").await;
    let agency = id_after(&board.body, "name=\"agency\" value=\"", "\"").to_owned();
    let record = postman
        .post(
            "/can-bo/bien-ban",
            &[
                ("leg", "pickup"),
                ("agency", &agency),
                ("ids", &consignment),
            ],
        )
        .await;
    assert_eq!(record.status, 303, "{}", record.body);
    let record_page = record.header("location").to_owned();
    let page = postman.get(&record_page).await;
    assert!(page.body.contains("Biên bản giao nhận hồ sơ"));
    assert!(page.body.contains("26.000"), "{}", page.body);
    // The drafting side does not confirm.
    assert!(!page.body.contains("Xác nhận đã nhận đủ"));

    // The reception officer confirms: the dossier is entered by post.
    let mut officer = Browser::new(&portal);
    officer.sign_in("tiepnhan@demo.motcua.vn").await;
    let board = officer.get("/can-bo/buu-dien").await;
    assert!(board.body.contains(&record_page), "{}", board.body);
    let page = officer.get(&record_page).await;
    assert!(page.body.contains("Xác nhận đã nhận đủ"));
    let confirmed = officer.post(&format!("{record_page}/xac-nhan"), &[]).await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    let id: DossierId = draft.trim_start_matches("/nop-ho-so/").parse().unwrap();
    let d = svc.store.dossier(id).await.unwrap().unwrap();
    assert_eq!(d.state.channel, Channel::Post);
    let page = officer.get(&record_page).await;
    assert!(page.body.contains(d.code.as_str()), "{}", page.body);
    assert!(!page.body.contains("Xác nhận đã nhận đủ"));

    // Processed, the result goes out on a record of the return officer…
    let reception = official(&portal, "tiepnhan@demo.motcua.vn").await;
    let specialist = official(&portal, "chuyenvien@demo.motcua.vn").await;
    let approver = official(&portal, "lanhdao@demo.motcua.vn").await;
    let now = Utc::now();
    assert_eq!(
        d.state.stage,
        Stage::Accepted,
        "received at the confirmation"
    );
    let assign = Action::Assign {
        to: Some(specialist.user.id.to_string()),
    };
    act::act(svc, &reception, id, assign, Vec::new(), now)
        .await
        .unwrap();
    act::act(
        svc,
        &specialist,
        id,
        Action::SubmitForApproval,
        Vec::new(),
        now,
    )
    .await
    .unwrap();
    act::act(svc, &approver, id, Action::Approve, Vec::new(), now)
        .await
        .unwrap();
    let board = officer.get("/can-bo/buu-dien").await;
    assert!(board.body.contains(d.code.as_str()), "{}", board.body);
    let out = officer
        .post(
            "/can-bo/bien-ban",
            &[
                ("leg", "delivery"),
                ("agency", &d.receiving_unit.to_string()),
                ("ids", &id.to_string()),
            ],
        )
        .await;
    assert_eq!(out.status, 303, "{}", out.body);
    let out_page = out.header("location").to_owned();

    // …which the postal worker confirms with the slip's waybill.
    let page = postman.get(&out_page).await;
    let input = id_after(&page.body, "name=\"waybill-", "\"").to_owned();
    let missing = postman.post(&format!("{out_page}/xac-nhan"), &[]).await;
    assert_eq!(missing.status, 422);
    let confirmed = postman
        .post(
            &format!("{out_page}/xac-nhan"),
            &[(&format!("waybill-{input}"), "RR123456785VN")],
        )
        .await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);

    // Delivered: the result is returned on the dossier.
    let board = postman.get("/can-bo/buu-dien").await;
    assert!(board.body.contains("RR123456785VN"), "{}", board.body);
    let delivered = postman
        .post(
            &format!("/can-bo/buu-dien/{input}/phat"),
            &[
                ("outcome", "delivered"),
                ("recipient", "Nguyễn Văn An"),
                ("identity", "087095000123"),
            ],
        )
        .await;
    assert_eq!(delivered.status, 303, "{}", delivered.body);
    let d = svc.store.dossier(id).await.unwrap().unwrap();
    assert_eq!(d.state.stage, Stage::Returned);
}

//! The public post's leg in the browser: the citizen asks the post to
//! collect the papers and to deliver the result; the postal worker sees
//! the booking, opens the slip, records the collection and draws up the
//! hand-over record; the reception officer confirms it and the dossier is
//! entered by post. axe judges every page on the way.

use chrono::{TimeDelta, Utc};
use motcua_domain::calendar::{self, WorkCalendar};

use crate::journey::{PASSWORD, official_signs_in, signs_in};
use crate::page::{Outcome, Page, ensure};

const PROCEDURE: &str = "1.004873";
const AGENCY: &str = "000.41.01.H82";

/// The next working day after tomorrow, as a date input holds it.
fn pickup_day() -> String {
    let calendar = WorkCalendar::bundled().expect("the bundled calendar");
    let mut day = calendar::to_local(Utc::now()).date() + TimeDelta::days(2);
    while !calendar.is_working_day(day).unwrap_or(true) {
        day += TimeDelta::days(1);
    }
    day.to_string()
}

pub async fn run(page: &Page, email: &str) -> Outcome {
    page.step("the citizen asks the post to collect the papers");
    signs_in(page, email, PASSWORD, "/ho-so").await?;
    book(page).await?;
    page.press("Đăng xuất").await?;

    page.step("the postal worker collects them");
    official_signs_in(page, "buudien@demo.motcua.vn").await?;
    page.follow("main a[href='/can-bo/buu-dien']").await?;
    page.axe("post, to collect").await?;
    page.follow("main a[href$='/phieu']").await?;
    let slip = page.text("main").await?;
    ensure!(
        slip.contains("Phiếu gửi hồ sơ") && slip.contains("Giấy xác nhận tình trạng hôn nhân"),
        "the slip does not name the procedure: {slip:?}"
    );
    page.axe("consignment slip").await?;
    page.goto("/can-bo/buu-dien").await?;
    let waybill = page
        .find("main form[action$='/nhan'] input[name='waybill']")
        .await?;
    waybill.send_keys("EE473124829VN").await?;
    let fees = page
        .find("main form[action$='/nhan'] input[name='fees']")
        .await?;
    fees.clear().await?;
    fees.send_keys("10000").await?;
    page.press("Đã nhận hồ sơ").await?;
    page.axe("post, collected").await?;
    page.press("Lập biên bản giao nhận").await?;
    let record = page.text("main").await?;
    ensure!(
        record.contains("Biên bản giao nhận hồ sơ") && record.contains("EE473124829VN"),
        "the hand-over record does not list the waybill: {record:?}"
    );
    page.axe("hand-over record").await?;
    let record_path = page.path().await?;
    page.press("Đăng xuất").await?;

    page.step("the reception officer confirms the record");
    official_signs_in(page, "tiepnhan@demo.motcua.vn").await?;
    page.follow("main a[href='/can-bo/buu-dien']").await?;
    page.follow(&format!("main a[href='{record_path}']"))
        .await?;
    page.press("Xác nhận đã nhận đủ").await?;
    let confirmed = page.text("main").await?;
    ensure!(
        confirmed.contains(AGENCY) && !confirmed.contains("Chưa xác nhận"),
        "after confirming, the record does not show the dossier's code: {confirmed:?}"
    );
    page.axe("hand-over record, confirmed").await?;
    page.press("Đăng xuất").await
}

/// Fills the declaration, chooses the post both ways, books the pickup.
async fn book(page: &Page) -> Outcome {
    page.goto(&format!("/thu-tuc/{PROCEDURE}")).await?;
    page.press("Nộp hồ sơ trực tuyến").await?;
    page.find("#agency").await?.select_by_value(AGENCY).await?;
    for (id, words) in [
        ("nguoi_yeu_cau_ho_ten", crate::journey::FULL_NAME),
        ("nguoi_yeu_cau_ngay_sinh", "15/03/1995"),
        ("nguoi_yeu_cau_so_dinh_danh", crate::journey::IDENTITY),
        ("nguoi_yeu_cau_dien_thoai", "0918765432"),
    ] {
        page.type_into(id, words).await?;
    }
    for address in ["nguoi_yeu_cau_noi_cu_tru", "delivery"] {
        if address == "delivery" {
            page.find("#delivery-post").await?.click().await?;
        }
        page.find(&format!("#{address}-province"))
            .await?
            .select_by_value("82")
            .await?;
        page.find(&format!("#{address}-commune option[value='29869']"))
            .await?
            .click()
            .await?;
        page.type_into(&format!("{address}-detail"), "Số 12 đường Nguyễn Huệ")
            .await?;
    }
    page.find("#tinh_trang_hon_nhan-1").await?.click().await?;
    page.find("#muc_dich_su_dung-2").await?.click().await?;
    page.type_into("muc_dich_khac", "Mua nhà").await?;
    page.find("#dispatch-post").await?.click().await?;
    // A date input is typed in the browser's own format: set its value.
    page.script(&format!(
        "document.getElementById('pickup-day').value = '{}';",
        pickup_day()
    ))
    .await?;
    page.find("#pickup-slot")
        .await?
        .select_by_value("morning")
        .await?;
    page.press("Lưu và kiểm tra").await?;
    ensure!(
        page.find_all(".error-summary").await?.is_empty(),
        "the declaration has problems: {:?}",
        page.text(".error-summary").await.unwrap_or_default()
    );
    let quote = page.text("#post-quote").await?;
    ensure!(
        quote.contains("Gửi hồ sơ qua bưu chính công ích")
            && quote.contains("Nhận kết quả qua bưu chính công ích"),
        "the quote does not give both legs: {quote:?}"
    );
    page.axe("apply, by post").await?;
    page.press("Hẹn bưu điện đến nhận hồ sơ").await?;
    let booked = page.text("#pickup").await?;
    ensure!(
        booked.contains("Đã đặt lịch nhận hồ sơ"),
        "after booking the page says {booked:?}"
    );
    page.axe("pickup booked").await
}

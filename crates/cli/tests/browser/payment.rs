//! A level-4 service paid online, as the citizen and the officials do it:
//! the citizen applies for a certificate of marital status (with the
//! address picker), the reception officer accepts it, the specialist asks
//! for the fee, the citizen pays it in the built-in sandbox gateway, reads
//! the receipt and downloads it as PDF, and the dossier is back in
//! processing.

use serde_json::json;

use crate::journey::{
    FULL_NAME, IDENTITY, PASSWORD, official_signs_in, open_from_queue, signs_in, submit, take,
};
use crate::page::{Outcome, Page, ensure};

/// Xác nhận tình trạng hôn nhân: level 4, decided by each commune, a fee
/// the specialist assesses.
const PROCEDURE: &str = "1.004873";
const AGENCY: &str = "000.41.01.H82";
const FEE: &str = "10.000 đ";

pub async fn run(page: &Page, email: &str) -> Outcome {
    citizen_signs_in(page, email).await?;
    let code = apply(page).await?;
    page.press("Đăng xuất").await?;

    page.step("the reception officer accepts it and assigns it");
    official_signs_in(page, "tiepnhan@demo.motcua.vn").await?;
    open_from_queue(page, &code).await?;
    take(page, "Tiếp nhận", "đã tiếp nhận").await?;
    take(page, "Phân công xử lý", "đang xử lý").await?;
    page.press("Đăng xuất").await?;

    assess_the_fee(page, &code).await?;

    citizen_signs_in(page, email).await?;
    pay(page, &code).await?;
    receipt(page).await?;
    // The printout has no header: back to the portal to sign out.
    page.goto("/ho-so").await?;
    page.press("Đăng xuất").await
}

async fn citizen_signs_in(page: &Page, email: &str) -> Outcome {
    page.step("the citizen signs in");
    signs_in(page, email, PASSWORD, "/ho-so").await
}

/// Applies for the certificate; the dossier's code from the receipt.
async fn apply(page: &Page) -> Outcome<String> {
    page.step("opening the level-4 procedure");
    page.goto(&format!("/thu-tuc/{PROCEDURE}")).await?;
    let summary = page.text("dl.summary").await?;
    ensure!(
        summary.contains("Mức độ 4") || summary.contains("toàn trình"),
        "the procedure is not shown as a full online service: {summary:?}"
    );
    page.press("Nộp hồ sơ trực tuyến").await?;

    page.step("filling in the declaration, the residence with the address picker");
    page.find("#agency").await?.select_by_value(AGENCY).await?;
    for (id, words) in [
        ("nguoi_yeu_cau_ho_ten", FULL_NAME),
        ("nguoi_yeu_cau_ngay_sinh", "15/03/1995"),
        ("nguoi_yeu_cau_so_dinh_danh", IDENTITY),
        ("nguoi_yeu_cau_dien_thoai", "0918765432"),
    ] {
        page.type_into(id, words).await?;
    }
    page.find("#nguoi_yeu_cau_noi_cu_tru-province")
        .await?
        .select_by_value("82")
        .await?;
    page.find("#nguoi_yeu_cau_noi_cu_tru-commune option[value='29869']")
        .await?
        .click()
        .await?;
    page.type_into("nguoi_yeu_cau_noi_cu_tru-detail", "Số 12 đường Nguyễn Huệ")
        .await?;
    page.find("#tinh_trang_hon_nhan-1").await?.click().await?;
    page.find("#muc_dich_su_dung-2").await?.click().await?;
    page.type_into("muc_dich_khac", "Bổ sung hồ sơ vay vốn")
        .await?;
    page.find("#delivery-counter").await?.click().await?;
    page.press("Lưu và kiểm tra").await?;
    ensure!(
        page.find_all(".error-summary").await?.is_empty(),
        "the declaration has problems: {:?}",
        page.text(".error-summary").await.unwrap_or_default()
    );
    page.axe("apply, level 4").await?;

    submit(page, AGENCY).await
}

/// The specialist names the fee the case owes; the dossier waits for it.
async fn assess_the_fee(page: &Page, code: &str) -> Outcome {
    page.step("the specialist asks for the fee");
    official_signs_in(page, "chuyenvien@demo.motcua.vn").await?;
    open_from_queue(page, code).await?;
    let action = "Yêu cầu thực hiện nghĩa vụ tài chính";
    page.find_summary(action).await?.click().await?;
    page.find("#request-payment-fee option[value='0']")
        .await?
        .click()
        .await?;
    page.type_into("request-payment-count", "1").await?;
    take(page, action, "chờ thực hiện nghĩa vụ tài chính").await?;
    let fees = page.text("#fees-heading + table").await?;
    ensure!(
        fees.contains(FEE),
        "the office page does not show the fee owed: {fees:?}"
    );
    page.axe("office dossier, fee asked").await?;
    page.press("Đăng xuất").await
}

/// From the dossier page through the checkout and the sandbox gateway back
/// to the payment's result.
async fn pay(page: &Page, code: &str) -> Outcome {
    page.step("the citizen opens the dossier and sees the fee owed");
    let href = page
        .script(&format!(
            "const a = [...document.querySelectorAll('main a[href^=\"/ho-so/\"]')] \
               .find(a => a.textContent.trim() === '{code}'); \
             return a ? a.getAttribute('href') : null;"
        ))
        .await?;
    let href = href.as_str().unwrap_or_default().to_owned();
    ensure!(!href.is_empty(), "my dossiers do not list {code}");
    page.follow(&format!("main a[href='{href}']")).await?;
    let fees = page.text("#fees-heading + table").await?;
    ensure!(
        fees.contains("Lệ phí cấp Giấy xác nhận tình trạng hôn nhân") && fees.contains(FEE),
        "the dossier page does not show the fee owed: {fees:?}"
    );
    page.axe("dossier, fee owed").await?;

    page.step("paying: the checkout");
    page.press("Nộp phí, lệ phí trực tuyến").await?;
    let heading = page.text("h1").await?;
    ensure!(
        heading.contains("Thanh toán phí, lệ phí"),
        "the checkout's heading is {heading:?}"
    );
    let line = page.text("main table tbody tr").await?;
    ensure!(
        line.contains(code) && line.contains(FEE) && line.contains("Chờ thanh toán"),
        "the checkout's line reads {line:?}"
    );
    page.axe("checkout").await?;

    page.step("paying: the sandbox gateway");
    page.press("Thanh toán").await?;
    let heading = page.text("h1").await?;
    ensure!(
        heading.contains("Cổng thanh toán thử nghiệm"),
        "the gateway's heading is {heading:?}"
    );
    let amount = page.text("dl.summary").await?;
    ensure!(amount.contains(FEE), "the gateway asks for {amount:?}");
    page.axe("sandbox gateway").await?;
    page.press("Thanh toán").await?;

    page.step("back from the gateway: the payment's result");
    let heading = page.text("h1").await?;
    ensure!(
        heading.contains("Kết quả thanh toán"),
        "back from the gateway the page says {heading:?}"
    );
    let result = page.text("dl.summary").await?;
    ensure!(
        result.contains("Đã thanh toán") && result.contains(FEE),
        "the payment's result reads {result:?}"
    );
    page.axe("payment result").await?;

    page.step("the dossier is back in processing and lists the receipt");
    page.goto(&href).await?;
    let summary = page.text("dl.summary").await?;
    ensure!(
        summary.contains("đang xử lý"),
        "after paying the dossier is not “đang xử lý”: {summary:?}"
    );
    ensure!(
        page.find_all("#fees-heading + table").await?.is_empty(),
        "the fee is still shown as owed after paying"
    );
    page.follow("a[href$='/bien-lai']").await
}

/// The receipt as a page, then its PDF fetched as the browser downloads it
/// (with the session's cookie).
async fn receipt(page: &Page) -> Outcome {
    page.step("reading the fee receipt");
    let title = page.text("main h1").await?;
    ensure!(
        title.to_lowercase().contains("biên lai"),
        "the receipt's title is {title:?}"
    );
    let body = page.text("main").await?;
    ensure!(
        body.contains(FULL_NAME) && body.contains("Mười nghìn đồng"),
        "the receipt does not name the payer and the amount in words: {body:?}"
    );
    // It says what it is: a record of the system, not an e-receipt under
    // ND 123/2020.
    ensure!(
        body.contains("Biên lai lập từ hệ thống") && !body.contains("Biên lai điện tử"),
        "the receipt's label is not the system's own: {body:?}"
    );
    page.axe("fee receipt").await?;

    page.step("downloading the receipt as PDF");
    let pdf = page
        .script(
            "const a = document.querySelector('a[href$=\"/bien-lai/pdf\"]'); \
             if (!a) return null; \
             return fetch(a.href).then(async r => { \
               const bytes = new Uint8Array(await r.arrayBuffer()); \
               return { status: r.status, type: r.headers.get('content-type'), \
                        head: String.fromCharCode(...bytes.slice(0, 5)), size: bytes.length }; \
             });",
        )
        .await?;
    ensure!(
        pdf["status"] == json!(200)
            && pdf["type"] == json!("application/pdf")
            && pdf["head"] == json!("%PDF-")
            && pdf["size"].as_u64().is_some_and(|n| n > 1000),
        "the receipt's PDF download gave {pdf}"
    );
    Ok(())
}

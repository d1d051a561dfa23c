//! A citizen's journey through the portal, as a person does it: register,
//! sign in, find the procedure without typing diacritics, apply with an
//! upload, read the receipt, sign out and track the dossier; then the
//! demo officials take it from reception to return; and then a level-4
//! service, paid online (`payment`).

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::page::{Outcome, Page, ensure};

/// Chứng thực bản sao từ bản chính: decided by each commune, one upload.
const PROCEDURE: &str = "2.000815";
const AGENCY: &str = "000.41.01.H82";

pub const FULL_NAME: &str = "Trần Thị Bích";
pub const IDENTITY: &str = "087095000789";
pub const PASSWORD: &str = "mat-khau-cua-bich";

pub async fn run(page: &Page, dir: &Path) -> Outcome {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let email = format!("bich.{nanos}@example.vn");

    register(page, &email).await?;
    sign_in(page, &email).await?;
    find_the_procedure(page).await?;
    let (code, pin) = apply(page, dir).await?;
    track(page, &code, &pin).await?;
    office(page, &code).await?;
    crate::payment::run(page, &email).await?;
    crate::post::run(page, &email).await?;
    crate::statistics::run(page).await?;
    page.axe_verdict()
}

/// The error summary's links, each checked to lead to a form control (or
/// to the group or upload box holding one) that exists on the page.
async fn error_summary_links(page: &Page) -> Outcome<Vec<String>> {
    let found = page
        .script(
            "const links = [...document.querySelectorAll('.error-summary a')]; \
             return links.map(a => { \
               const href = a.getAttribute('href') || ''; \
               const target = href.startsWith('#') ? document.getElementById(href.slice(1)) : null; \
               const control = target && (target.matches('input, select, textarea') ? target \
                 : target.querySelector('input:not([type=hidden]), select, textarea')); \
               return { href, target: target ? target.tagName.toLowerCase() : null, \
                        control: control ? control.id : null, words: a.textContent.trim() }; \
             });",
        )
        .await?;
    let mut hrefs = Vec::new();
    for link in found.as_array().map(Vec::as_slice).unwrap_or_default() {
        let href = link["href"].as_str().unwrap_or_default();
        ensure!(
            href.starts_with('#') && link["target"].is_string(),
            "the error summary links to {href:?}, which is not on the page: {link}"
        );
        ensure!(
            link["control"].as_str().is_some_and(|id| !id.is_empty()),
            "the error summary's link {href} leads to no input: {link}"
        );
        hrefs.push(href.to_owned());
    }
    ensure!(!hrefs.is_empty(), "an error summary without links");
    Ok(hrefs)
}

async fn register(page: &Page, email: &str) -> Outcome {
    page.step("opening the registration page");
    page.goto("/dang-ky").await?;
    page.find("form[action='/dang-ky']").await?;
    let lang = page.script("return document.documentElement.lang;").await?;
    ensure!(lang == json!("vi"), "the portal speaks {lang}, not vi");
    // The stylesheet applies (under the CSP): axe judges contrast on the
    // real colours.
    let header = page
        .script("return getComputedStyle(document.querySelector('.site-header')).backgroundColor;")
        .await?;
    ensure!(
        header == json!("rgb(163, 22, 26)"),
        "the stylesheet is not applied (header background {header})"
    );

    page.step("checking the keyboard: the skip link comes first");
    page.key(Key::Tab).await?;
    let focused = page.focused().await?;
    ensure!(
        focused["class"] == json!("skip-link") && focused["href"] == json!("#main"),
        "the first Tab reached {focused}, not the skip link"
    );
    page.key(Key::Enter).await?;
    page.wait_for("the focus to move to the main content", || async {
        Ok(page.focused().await?["id"] == json!("main"))
    })
    .await?;
    page.axe_canary().await?;
    page.axe("register").await?;

    page.step("registering, with a slip in the identity number");
    page.find("#kind-citizen").await?.click().await?;
    page.type_into("full_name", FULL_NAME).await?;
    page.type_into("identity", &IDENTITY[1..]).await?;
    page.type_into("phone", "0918 765 432").await?;
    page.type_into("email", email).await?;
    page.type_into("password", PASSWORD).await?;
    page.type_into("password_confirm", PASSWORD).await?;
    page.press("Đăng ký").await?;
    page.find(".error-summary").await?;
    let links = error_summary_links(page).await?;
    ensure!(
        links == ["#identity"],
        "the summary lists {links:?}, only #identity is wrong"
    );
    let invalid = page.find("#identity").await?.attr("aria-invalid").await?;
    ensure!(
        invalid.as_deref() == Some("true"),
        "#identity is not marked invalid"
    );
    page.axe("register, with an error").await?;

    page.step("registering, corrected");
    page.type_into("identity", IDENTITY).await?;
    // Passwords are never sent back: typed again.
    page.type_into("password", PASSWORD).await?;
    page.type_into("password_confirm", PASSWORD).await?;
    page.press("Đăng ký").await?;
    let heading = page.text("h1").await?;
    ensure!(
        heading.contains("Đã tạo tài khoản"),
        "after registering the page says {heading:?}"
    );
    let body = page.text("main").await?;
    ensure!(
        body.contains(email),
        "the confirmation does not name {email}"
    );
    page.axe("registered").await
}

async fn sign_in(page: &Page, email: &str) -> Outcome {
    page.step("going to sign in from the confirmation");
    page.follow("main a[href='/dang-nhap']").await?;
    page.find("form[action='/dang-nhap']").await?;
    page.axe("sign in").await?;

    page.step("signing in with the new account");
    page.type_into("login", email).await?;
    page.type_into("password", PASSWORD).await?;
    page.press("Đăng nhập").await?;
    let path = page.path().await?;
    ensure!(path == "/ho-so", "signed in, the browser is at {path}");
    let user = page.text(".nav-user").await?;
    ensure!(user == FULL_NAME, "the header names {user:?}");
    page.axe("my dossiers").await
}

async fn find_the_procedure(page: &Page) -> Outcome {
    page.step("searching the catalog without diacritics");
    page.follow(".site-nav a[href='/thu-tuc']").await?;
    page.type_into("q", "chung thuc ban sao").await?;
    page.press("Tìm").await?;
    let path = page.path().await?;
    ensure!(
        path.starts_with("/thu-tuc?") && path.contains("q=chung+thuc+ban+sao"),
        "the search went to {path}"
    );
    let result = format!("a.result-title[href='/thu-tuc/{PROCEDURE}']");
    let title = page.text(&result).await?;
    ensure!(
        title.contains("Chứng thực bản sao từ bản chính"),
        "the result for {PROCEDURE} reads {title:?}"
    );
    page.axe("search results").await?;

    page.step("opening the procedure");
    page.follow(&result).await?;
    let heading = page.text("h1").await?;
    ensure!(
        heading.contains("Chứng thực bản sao từ bản chính"),
        "the procedure page's heading is {heading:?}"
    );
    let summary = page.text("dl.summary").await?;
    ensure!(summary.contains(PROCEDURE), "the summary lacks the code");
    page.axe("procedure").await?;

    page.step("starting to apply online");
    page.press("Nộp hồ sơ trực tuyến").await?;
    let path = page.path().await?;
    ensure!(path.starts_with("/nop-ho-so/"), "applying led to {path}");
    Ok(())
}

/// The smallest PDF worth the name.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// Applies; the dossier's code and PIN from the receipt.
async fn apply(page: &Page, dir: &Path) -> Outcome<(String, String)> {
    page.axe("apply").await?;

    page.step("picking a province lists its communes in place (htmx)");
    page.script("window.__motcua_same_page = true;").await?;
    page.find("#delivery-province")
        .await?
        .select_by_value("82")
        .await?;
    page.find("#delivery-commune option[value='29869']").await?;
    let same = page
        .script("return window.__motcua_same_page === true;")
        .await?;
    ensure!(
        same == serde_json::Value::Bool(true),
        "the page reloaded instead of updating the commune list"
    );

    page.step("filling in the application form");
    page.find("#agency").await?.select_by_value(AGENCY).await?;
    for (id, words) in [
        ("nguoi_yeu_cau_ho_ten", FULL_NAME),
        ("nguoi_yeu_cau_so_dinh_danh", IDENTITY),
        ("nguoi_yeu_cau_dien_thoai", "0918765432"),
        ("ten_giay_to", "Giấy khai sinh"),
        ("co_quan_cap", "UBND phường Cao Lãnh"),
        ("so_trang", "1"),
        ("so_ban", "2"),
    ] {
        page.type_into(id, words).await?;
    }
    page.find("#delivery-counter").await?.click().await?;
    page.press("Lưu và kiểm tra").await?;

    page.step("reading the problems found: the upload is missing");
    page.find(".error-summary").await?;
    let links = error_summary_links(page).await?;
    ensure!(
        links == ["#ban_chup"],
        "the summary lists {links:?}, only the upload #ban_chup is missing"
    );
    let agency = page.find("#agency").await?.prop("value").await?;
    ensure!(
        agency.as_deref() == Some(AGENCY),
        "the agency chosen was not kept: {agency:?}"
    );
    ensure!(
        page.find("#delivery-counter").await?.is_selected().await?,
        "the delivery chosen was not kept"
    );
    page.axe("apply, with errors").await?;

    page.step("uploading the scan");
    let file = dir.join("ban-chup-giay-khai-sinh.pdf");
    std::fs::write(&file, PDF)?;
    let absolute = file.canonicalize()?;
    page.find("#ban_chup-file")
        .await?
        .send_keys(&absolute.to_string_lossy())
        .await?;
    let upload = page.button("//div[@id='ban_chup']", "Tải lên").await?;
    page.click_to_load(&upload).await?;
    let listed = page.text("#ban_chup .file-list").await?;
    ensure!(
        listed.contains("ban-chup-giay-khai-sinh.pdf"),
        "the upload is not listed: {listed:?}"
    );
    ensure!(
        page.find_all(".error-summary").await?.is_empty(),
        "problems still shown after the upload"
    );
    page.axe("apply, with the upload").await?;

    let code = submit(page, AGENCY).await?;
    let pin = page.text("strong.pin").await?;
    ensure!(
        pin.len() == 8 && pin.chars().all(|c| c.is_ascii_digit()),
        "the PIN is {pin:?}"
    );
    let estimate = page
        .script(
            "const tag = [...document.querySelectorAll('dl.receipt dd .tag')] \
               .find(t => t.textContent.trim() === 'ước tính'); \
             return tag ? tag.closest('div').innerText : null;",
        )
        .await?;
    ensure!(
        estimate.as_str().is_some_and(|s| s.contains("Dự kiến")),
        "the receipt's estimate is not labelled “ước tính”: {estimate}"
    );
    page.axe("receipt").await?;
    Ok((code, pin))
}

/// Submits the draft on the page and reads the dossier's code (issued by
/// `agency`) off the receipt that follows.
pub async fn submit(page: &Page, agency: &str) -> Outcome<String> {
    page.step("submitting");
    page.press("Nộp hồ sơ").await?;
    let heading = page.text("h1").await?;
    ensure!(
        heading.contains("Đã nộp hồ sơ"),
        "after submitting the page says {heading:?}"
    );
    let code_line = page.text(".panel-code").await?;
    let code = code_line
        .rsplit_once(": ")
        .map(|(_, c)| c.trim().to_owned())
        .unwrap_or_default();
    ensure!(
        code.starts_with(agency) && code.len() > agency.len() + 8,
        "the receipt's code is {code:?} (in {code_line:?})"
    );
    Ok(code)
}

async fn track(page: &Page, code: &str, pin: &str) -> Outcome {
    page.step("signing out");
    page.press("Đăng xuất").await?;
    ensure!(
        page.find_all(".nav-user").await?.is_empty(),
        "still signed in after signing out"
    );

    page.step("tracking the dossier by code and PIN");
    page.follow(".site-nav a[href='/tra-cuu']").await?;
    page.axe("track").await?;
    page.type_into("ma", code).await?;
    page.type_into("pin", pin).await?;
    page.press("Tra cứu").await?;
    let summary = page.text("dl.summary").await?;
    ensure!(summary.contains(code), "the status is not for {code}");
    ensure!(
        summary.contains("chờ tiếp nhận"),
        "the dossier is not shown as “chờ tiếp nhận”: {summary:?}"
    );
    let stage: Value = page
        .script(
            "const s = [...document.querySelectorAll('dl.summary > div')] \
               .find(d => d.querySelector('dt').textContent.includes('Tình trạng')); \
             return s ? s.querySelector('dd').textContent.trim() : null;",
        )
        .await?;
    eprintln!("browser: the dossier {code} is {stage}");
    page.axe("track result").await
}

/// Signs in as a demo official (from wherever the browser is) and lands on
/// the queue.
pub async fn official_signs_in(page: &Page, login: &str) -> Outcome {
    signs_in(page, login, "motcua-demo", "/can-bo").await
}

/// Signs in as `login` (from wherever the browser is) and checks the
/// browser lands on `home`.
pub async fn signs_in(page: &Page, login: &str, password: &str, home: &str) -> Outcome {
    page.goto("/dang-nhap").await?;
    page.type_into("login", login).await?;
    page.type_into("password", password).await?;
    page.press("Đăng nhập").await?;
    let path = page.path().await?;
    ensure!(path == home, "{login} signed in, the browser is at {path}");
    Ok(())
}

/// Opens the dossier `code` from the queue, found by its code.
pub async fn open_from_queue(page: &Page, code: &str) -> Outcome {
    page.type_into("q", code).await?;
    page.press("Lọc").await?;
    page.follow("table.queue a[href^='/can-bo/ho-so/']").await?;
    let heading = page.text("h1").await?;
    ensure!(heading.contains(code), "opened {heading:?}, not {code}");
    Ok(())
}

/// Takes one action: presses its button in its (open) form and checks the
/// stage the page then shows.
pub async fn take(page: &Page, action: &str, then: &str) -> Outcome {
    page.step(action);
    page.press(action).await?;
    let summary = page.text("dl.summary").await?;
    ensure!(
        summary.contains(then),
        "after “{action}” the dossier is not “{then}”: {summary:?}"
    );
    Ok(())
}

/// The back office takes the citizen's dossier from reception to return:
/// the reception officer accepts and assigns it, the specialist submits
/// it, the approver approves, the reception officer returns it.
pub async fn office(page: &Page, code: &str) -> Outcome {
    page.step("the reception officer signs in and finds the dossier");
    official_signs_in(page, "tiepnhan@demo.motcua.vn").await?;
    page.axe("office queue").await?;
    open_from_queue(page, code).await?;
    page.axe("office dossier").await?;
    take(page, "Tiếp nhận", "đã tiếp nhận").await?;
    take(page, "Phân công xử lý", "đang xử lý").await?;
    page.press("Đăng xuất").await?;

    page.step("the specialist submits it for approval");
    official_signs_in(page, "chuyenvien@demo.motcua.vn").await?;
    open_from_queue(page, code).await?;
    take(page, "Trình phê duyệt", "chờ phê duyệt").await?;
    page.press("Đăng xuất").await?;

    page.step("the approver approves");
    official_signs_in(page, "lanhdao@demo.motcua.vn").await?;
    open_from_queue(page, code).await?;
    take(page, "Phê duyệt", "đã có kết quả").await?;
    page.press("Đăng xuất").await?;

    page.step("the reception officer returns the result");
    official_signs_in(page, "tiepnhan@demo.motcua.vn").await?;
    open_from_queue(page, code).await?;
    page.type_into("return-result-recipient_name", FULL_NAME)
        .await?;
    page.type_into("return-result-recipient_identity", IDENTITY)
        .await?;
    take(page, "Trả kết quả", "đã trả kết quả").await?;
    let chain = page.text(".notice").await?;
    ensure!(
        chain.contains("Chuỗi băm của hồ sơ khớp"),
        "the timeline's chain is not shown as verified: {chain:?}"
    );
    page.axe("office dossier, returned").await?;
    page.goto("/can-bo/tiep-nhan").await?;
    page.axe("counter intake").await?;
    page.press("Đăng xuất").await?;

    page.step("the system administrator opens the officials' page");
    official_signs_in(page, "quantri@demo.motcua.vn").await?;
    page.follow("a[href='/quan-tri/can-bo']").await?;
    page.axe("officials").await?;
    page.press("Đăng xuất").await
}

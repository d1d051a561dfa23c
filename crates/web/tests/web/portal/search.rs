//! Finding a procedure: diacritics and case ignored, filters, the page.

use super::{Browser, portal};

#[tokio::test]
async fn search_ignores_diacritics_and_case() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    let reply = browser.get("/thu-tuc?q=giay+phep+xay+dung").await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains("/thu-tuc/1.013225"), "{}", reply.body);
    let upper = browser.get("/thu-tuc?q=GIAY%20PHEP").await;
    assert!(upper.body.contains("/thu-tuc/1.013225"));
    let none = browser.get("/thu-tuc?q=zzzz").await;
    assert!(none.body.contains("Không có thủ tục nào khớp"));
}

#[tokio::test]
async fn filters_narrow_the_results() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    let full = browser.get("/thu-tuc?level=full").await;
    assert!(
        full.body.contains("/thu-tuc/1.001193"),
        "birth registration is fully online"
    );
    assert!(
        !full.body.contains("/thu-tuc/2.000815\""),
        "certification is partly online"
    );
    let field = browser
        .get("/thu-tuc?field=Ch%E1%BB%A9ng+th%E1%BB%B1c")
        .await;
    assert!(field.body.contains("/thu-tuc/2.000815"));
    assert!(!field.body.contains("/thu-tuc/1.001193\""));
}

#[tokio::test]
async fn the_procedure_page_says_everything_before_applying() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    let page = browser.get("/thu-tuc/3.000333").await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(
        body.contains("Công an tỉnh Đồng Tháp"),
        "the competent agency by name"
    );
    assert!(body.contains("200.000 đ"), "the fee");
    assert!(body.contains("10 ngày"), "the time limit");
    assert!(body.contains("Căn cứ pháp lý"));
    assert!(body.contains("Nộp hồ sơ trực tuyến"));
    let en = browser
        .get("/ngon-ngu?lang=en&next=/thu-tuc/3.000333")
        .await;
    assert_eq!(en.status, 303);
    let page = browser.get("/thu-tuc/3.000333").await;
    assert!(page.body.contains("Legal basis"));
}

//! The public look-up by code and PIN.

use super::{Browser, portal, submitted};

#[tokio::test]
async fn the_status_shows_with_the_right_pin_and_no_personal_data() {
    let portal = portal().await;
    let mut an = Browser::new(&portal);
    let (code, pin) = submitted(&mut an).await;
    let mut anyone = Browser::new(&portal);
    let reply = anyone
        .post("/tra-cuu", &[("ma", &code.to_lowercase()), ("pin", &pin)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("chờ tiếp nhận"));
    assert!(reply.body.contains(&code));
    assert!(!reply.body.contains("Nguyễn Văn An"), "no name");
    assert!(!reply.body.contains("087095000123"), "no identity number");
    // The QR code's link fills both.
    let qr = anyone.get(&format!("/tra-cuu?ma={code}&pin={pin}")).await;
    assert_eq!(qr.status, 200);
    assert!(qr.body.contains("chờ tiếp nhận"));
}

#[tokio::test]
async fn wrong_pins_until_the_limit() {
    let portal = portal().await;
    let mut an = Browser::new(&portal);
    let (code, pin) = submitted(&mut an).await;
    let mut guesser = Browser::new(&portal);
    for guess in 0..5 {
        let reply = guesser
            .post(
                "/tra-cuu",
                &[("ma", &code), ("pin", &format!("{guess:08}"))],
            )
            .await;
        assert_eq!(reply.status, 404);
        assert!(reply.body.contains("Không tìm thấy hồ sơ"));
    }
    let reply = guesser
        .post("/tra-cuu", &[("ma", &code), ("pin", &pin)])
        .await;
    assert_eq!(reply.status, 429, "the right PIN waits too");
    // The count is the code's, not the browser's.
    let mut another = Browser::new(&portal);
    assert_eq!(
        another
            .post("/tra-cuu", &[("ma", &code), ("pin", &pin)])
            .await
            .status,
        429
    );
    // An unknown code answers like a wrong PIN.
    let unknown = another
        .post(
            "/tra-cuu",
            &[("ma", "000.41.01.H82-250101-9999"), ("pin", "12345678")],
        )
        .await;
    assert_eq!(unknown.status, 404);
}

//! Registering, signing in and out, resetting a password.

use chrono::Utc;

use super::{Browser, portal};

const GOOD: &[(&str, &str)] = &[
    ("kind", "citizen"),
    ("full_name", "Lê Thị Cúc"),
    ("identity", "087195000456"),
    ("phone", "0168 912 3456"),
    ("email", "Cuc@Example.VN"),
    ("password", "mat-khau-dai"),
    ("password_confirm", "mat-khau-dai"),
];

#[tokio::test]
async fn registration_checks_every_field_and_keeps_nothing_when_wrong() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    let reply = browser
        .post(
            "/dang-ky",
            &[
                ("kind", "citizen"),
                ("full_name", ""),
                ("identity", "08709500012"),
                ("phone", "12"),
                ("email", "cuc"),
                ("password", "ngan"),
                ("password_confirm", "ngan"),
            ],
        )
        .await;
    assert_eq!(reply.status, 422);
    let body = &reply.body;
    for (anchor, words) in [
        ("#full_name", "Chưa nhập thông tin này"),
        ("#identity", "gồm đúng 12 chữ số"),
        ("#email", "thư điện tử đúng dạng"),
        ("#password", "ít nhất 8 ký tự"),
    ] {
        assert!(body.contains(anchor), "{anchor}");
        assert!(body.contains(words), "{words}");
    }
    assert!(body.contains("aria-invalid=\"true\""));
    assert!(
        !body.contains("value=\"ngan\""),
        "passwords are not sent back"
    );
    assert!(
        portal
            .services
            .store
            .user_by_login("cuc")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_missing_csrf_token_is_refused() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    browser.csrf().await;
    let reply = browser.post_raw("/dang-ky", GOOD).await;
    assert_eq!(reply.status, 403);
    assert!(reply.body.contains("Biểu mẫu đã hết hạn"), "{}", reply.body);
    let wrong = browser
        .post_raw(
            "/dang-ky",
            &[&[("_csrf", "x".repeat(43).as_str())][..], GOOD].concat(),
        )
        .await;
    assert_eq!(wrong.status, 403);
    // A cross-site post is refused whatever it carries.
    let token = browser.csrf().await;
    let mut fields = vec![("_csrf", token.as_str())];
    fields.extend_from_slice(GOOD);
    let reply = browser
        .request(
            axum::http::Request::post("/dang-ky")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "cross-site"),
            axum::body::Body::from(serde_urlencoded::to_string(&fields).unwrap()),
        )
        .await;
    assert_eq!(reply.status, 403);
    assert!(
        portal
            .services
            .store
            .user_by_login("cuc@example.vn")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn register_verify_sign_in_and_out() {
    let portal = portal().await;
    let store = &portal.services.store;
    let mut browser = Browser::new(&portal);
    let reply = browser.post("/dang-ky", GOOD).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let user = store
        .user_by_login("cuc@example.vn")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        user.phone.as_deref(),
        Some("0389123456"),
        "the 2018 prefix converted"
    );
    assert_eq!(user.identity_number.as_deref(), Some("087195000456"));
    assert!(
        user.password_hash
            .as_deref()
            .unwrap()
            .starts_with("$argon2id$")
    );
    assert!(user.email_verified_at.is_none());

    // The same details again: taken.
    let again = browser.post("/dang-ky", GOOD).await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("Đã có tài khoản dùng thông tin này"));

    // The verification e-mail carries a link that works once.
    let jobs = store
        .claim_jobs("test", Utc::now(), chrono::TimeDelta::minutes(1), 10)
        .await
        .unwrap();
    let mail = jobs
        .iter()
        .find(|j| j.payload["to"] == "cuc@example.vn")
        .unwrap();
    let text = mail.payload["text"].as_str().unwrap();
    let token = text
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let page = browser
        .get(&format!("/tai-khoan/xac-minh?token={token}"))
        .await;
    assert_eq!(page.status, 200);
    assert!(
        store
            .user(user.id)
            .await
            .unwrap()
            .unwrap()
            .email_verified_at
            .is_none(),
        "opening the link is not enough"
    );
    assert_eq!(
        browser
            .post("/tai-khoan/xac-minh", &[("token", &token)])
            .await
            .status,
        200
    );
    assert!(
        store
            .user(user.id)
            .await
            .unwrap()
            .unwrap()
            .email_verified_at
            .is_some()
    );
    assert_eq!(
        browser
            .post("/tai-khoan/xac-minh", &[("token", &token)])
            .await
            .status,
        422
    );

    // Sign in with the phone number in its old spelling.
    let reply = browser
        .post(
            "/dang-nhap",
            &[("login", "01689123456"), ("password", "mat-khau-dai")],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert_eq!(reply.header("location"), "/ho-so");
    let cookie = reply
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("motcua_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let mine = browser.get("/ho-so").await;
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains("Lê Thị Cúc"));

    // Signing out ends the session: the old cookie no longer opens pages.
    let old_session = browser.cookies["motcua_session"].clone();
    assert_eq!(browser.post("/dang-xuat", &[]).await.status, 303);
    browser.cookies.insert("motcua_session".into(), old_session);
    let reply = browser.get("/ho-so").await;
    assert_eq!(reply.status, 303, "an ended session is sent to sign in");
    assert!(reply.header("location").starts_with("/dang-nhap"));

    // Today's number typed in groups signs in too.
    let reply = browser
        .post(
            "/dang-nhap",
            &[("login", "0389 123 456"), ("password", "mat-khau-dai")],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
}

#[tokio::test]
async fn wrong_passwords_until_the_login_waits() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    for _ in 0..5 {
        let reply = browser
            .post(
                "/dang-nhap",
                &[("login", "an@demo.motcua.vn"), ("password", "sai-mat-khau")],
            )
            .await;
        assert_eq!(reply.status, 401);
        assert!(
            reply
                .body
                .contains("Tên đăng nhập hoặc mật khẩu không đúng")
        );
    }
    let reply = browser
        .post(
            "/dang-nhap",
            &[
                ("login", "an@demo.motcua.vn"),
                ("password", motcua_app::demo::PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, 429, "even the right password waits");
    assert!(reply.body.contains("thử sai quá nhiều lần"));
    // An unknown login gets the same answer as a wrong password.
    let reply = browser
        .post(
            "/dang-nhap",
            &[("login", "ai-do@example.vn"), ("password", "x")],
        )
        .await;
    assert_eq!(reply.status, 401);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_e_mail() {
    let portal = portal().await;
    let store = &portal.services.store;
    let mut browser = Browser::new(&portal);
    browser.sign_in("an@demo.motcua.vn").await;
    let mut other = Browser::new(&portal);
    let reply = other
        .post("/quen-mat-khau", &[("email", "an@demo.motcua.vn")])
        .await;
    assert_eq!(reply.status, 200);
    let unknown = other
        .post("/quen-mat-khau", &[("email", "khong-co@example.vn")])
        .await;
    assert_eq!(unknown.status, 200);
    assert_eq!(
        unknown.body.len(),
        reply.body.len(),
        "the same answer either way"
    );

    let jobs = store
        .claim_jobs("test", Utc::now(), chrono::TimeDelta::minutes(1), 10)
        .await
        .unwrap();
    let mail = jobs
        .iter()
        .find(|j| j.payload["to"] == "an@demo.motcua.vn")
        .unwrap();
    let text = mail.payload["text"].as_str().unwrap();
    let token = text
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let short = other
        .post(
            "/tai-khoan/dat-lai-mat-khau",
            &[
                ("token", &token),
                ("password", "ngan"),
                ("password_confirm", "ngan"),
            ],
        )
        .await;
    assert_eq!(short.status, 422);
    let done = other
        .post(
            "/tai-khoan/dat-lai-mat-khau",
            &[
                ("token", &token),
                ("password", "mat-khau-moi-1"),
                ("password_confirm", "mat-khau-moi-1"),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    // The session opened with the old password has ended.
    assert_eq!(browser.get("/ho-so").await.status, 303);
    let reply = other
        .post(
            "/dang-nhap",
            &[("login", "087095000123"), ("password", "mat-khau-moi-1")],
        )
        .await;
    assert_eq!(reply.status, 303);
}

#[tokio::test]
async fn an_expired_session_is_sent_to_sign_in() {
    let portal = portal().await;
    let store = &portal.services.store;
    let user = store
        .user_by_login("an@demo.motcua.vn")
        .await
        .unwrap()
        .unwrap();
    let now = Utc::now();
    let token = "expired-session-token-of-the-test-0123456789";
    store
        .create_session(motcua_store::NewSession {
            user: user.id,
            token_hash: motcua_store::TokenHash::of(token),
            now: now - chrono::TimeDelta::hours(13),
            expires_at: now - chrono::TimeDelta::hours(1),
        })
        .await
        .unwrap();
    let mut browser = Browser::new(&portal);
    browser
        .cookies
        .insert("motcua_session".into(), token.into());
    let page = browser.get("/ho-so").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.header("location"), "/dang-nhap?tiep=/ho-so");
    let post = browser.post("/thu-tuc/2.000815/nop", &[]).await;
    assert_eq!(post.status, 401);
    // The same token as a bearer credential is refused too.
    let api = browser
        .request(
            axum::http::Request::get("/ho-so").header("authorization", format!("Bearer {token}")),
            axum::body::Body::empty(),
        )
        .await;
    assert_eq!(api.status, 303);
}

#[tokio::test]
async fn the_verification_link_is_sent_again_a_few_times_an_hour() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    assert_eq!(browser.post("/dang-ky", GOOD).await.status, 201);
    let reply = browser
        .post(
            "/dang-nhap",
            &[("login", "cuc@example.vn"), ("password", "mat-khau-dai")],
        )
        .await;
    assert_eq!(reply.status, 303);
    let mine = browser.get("/ho-so").await;
    assert!(
        mine.body.contains("/tai-khoan/gui-lai-xac-minh"),
        "the page offers to send it again"
    );
    for _ in 0..3 {
        assert_eq!(
            browser
                .post("/tai-khoan/gui-lai-xac-minh", &[])
                .await
                .status,
            200
        );
    }
    let reply = browser.post("/tai-khoan/gui-lai-xac-minh", &[]).await;
    assert_eq!(reply.status, 429);
}

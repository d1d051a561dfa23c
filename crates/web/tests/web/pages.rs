//! Home page, language choice, static files, health.

use crate::{assert_security_headers, get};

#[tokio::test]
async fn home_is_vietnamese_by_default() {
    let reply = get("/", &[]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(reply.header("content-language"), "vi");
    assert!(reply.body.contains(r#"<html lang="vi">"#));
    assert!(reply.body.contains("Một cửa điện tử"));
    assert!(reply.body.contains("Dịch vụ công trực tuyến"));
    assert!(reply.body.contains("mã PIN"));
    assert!(reply.body.contains("bưu chính"));
    // The switch to English comes back here, and Vietnamese is marked current.
    assert!(
        reply
            .body
            .contains(r#"href="/ngon-ngu?lang=en&#38;next=/""#),
        "{}",
        reply.body
    );
    assert!(reply.body.contains(r#"aria-current="true">Tiếng Việt"#));
    assert_security_headers(&reply);
}

#[tokio::test]
async fn home_is_english_with_the_cookie() {
    let reply = get("/", &[("cookie", "other=1; lang=en")]).await;
    assert!(reply.body.contains(r#"<html lang="en">"#));
    assert!(reply.body.contains("Electronic One-Stop Office"));
    assert!(reply.body.contains("Track a dossier"));
    assert!(!reply.body.contains("Dịch vụ công trực tuyến"));
    assert_eq!(reply.header("content-language"), "en");
}

#[tokio::test]
async fn home_is_english_with_accept_language() {
    let reply = get("/", &[("accept-language", "en-GB,en;q=0.9,vi;q=0.5")]).await;
    assert!(reply.body.contains(r#"<html lang="en">"#));
    assert!(
        reply.headers["vary"]
            .to_str()
            .unwrap()
            .contains("accept-language")
    );
}

#[tokio::test]
async fn the_cookie_beats_accept_language() {
    let reply = get("/", &[("accept-language", "en"), ("cookie", "lang=vi")]).await;
    assert!(reply.body.contains(r#"<html lang="vi">"#));
}

#[tokio::test]
async fn page_structure_is_accessible() {
    let body = get("/", &[]).await.body;
    for needle in [
        r##"<a class="skip-link" href="#main">"##,
        "<header",
        "<nav class=\"lang-switch\" aria-label=\"Chọn ngôn ngữ\"",
        r#"<main id="main""#,
        "<footer",
        r#"<meta name="viewport""#,
        "<h1>",
    ] {
        assert!(body.contains(needle), "missing {needle}");
    }
    // A strict CSP comes later: nothing inline may depend on it being loose.
    assert!(!body.contains("style="));
    assert!(!body.contains("<script"));
    assert!(!body.contains("<style"));
}

#[tokio::test]
async fn the_switch_sets_the_cookie_and_goes_back() {
    let reply = get("/ngon-ngu?lang=en&next=%2Fho-so%3Fa%3D1", &[]).await;
    assert_eq!(reply.status, 303);
    assert_eq!(reply.header("location"), "/ho-so?a=1");
    let cookie = reply.header("set-cookie");
    assert!(cookie.starts_with("lang=en;"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Max-Age=31536000"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert_security_headers(&reply);

    let behind_tls = get(
        "/ngon-ngu?lang=vi&next=/",
        &[("x-forwarded-proto", "https")],
    )
    .await;
    assert!(behind_tls.header("set-cookie").contains("; Secure"));
}

#[tokio::test]
async fn the_switch_refuses_off_site_next() {
    for next in [
        "https%3A%2F%2Fevil.example%2F",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "evil.example",
    ] {
        let reply = get(&format!("/ngon-ngu?lang=en&next={next}"), &[]).await;
        assert_eq!(reply.status, 303, "{next}");
        assert_eq!(reply.header("location"), "/", "{next}");
    }
    let no_next = get("/ngon-ngu?lang=en", &[]).await;
    assert_eq!(no_next.header("location"), "/");
}

#[tokio::test]
async fn the_switch_refuses_an_unknown_language() {
    let reply = get("/ngon-ngu?lang=fr&next=/", &[("accept-language", "en")]).await;
    assert_eq!(reply.status, 400);
    assert!(reply.header("content-type").starts_with("text/html"));
    assert!(reply.body.contains("Malformed request"), "{}", reply.body);
    assert!(
        reply
            .headers
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("lang=")),
        "no language is remembered"
    );
}

#[tokio::test]
async fn the_stylesheet_is_served_with_a_long_cache() {
    let page = get("/", &[]).await.body;
    let start = page.find("/static/app-").unwrap();
    let end = start + page[start..].find('"').unwrap();
    let href = &page[start..end];
    assert_eq!(href, motcua_web::assets::css_path());
    let css = get(href, &[]).await;
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), "text/css; charset=utf-8");
    assert!(css.header("cache-control").contains("immutable"));
    assert!(css.body.contains(".skip-link"));
    assert_security_headers(&css);
    assert_eq!(
        get("/static/app-0000000000000000.css", &[]).await.status,
        404
    );
}

#[tokio::test]
async fn healthz_reports_ok_and_the_version() {
    let reply = get("/healthz", &[]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), "application/json");
    assert_eq!(
        reply.json(),
        serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})
    );
    assert_security_headers(&reply);
}

#[tokio::test]
async fn a_proxy_request_id_is_kept() {
    let reply = get("/healthz", &[("x-request-id", "abc-123")]).await;
    assert_eq!(reply.header("x-request-id"), "abc-123");
}

#[tokio::test]
async fn every_word_on_the_pages_is_in_the_catalogs() {
    for lang in ["vi", "en"] {
        let cookie = format!("lang={lang}");
        for path in ["/", "/missing", "/api/missing", "/ngon-ngu"] {
            let reply = get(path, &[("cookie", &cookie)]).await;
            assert!(
                !reply.body.contains("Unknown localization"),
                "{lang} {path}: {}",
                reply.body
            );
        }
    }
}

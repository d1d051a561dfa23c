//! Every page is light (under 60 KB with its stylesheet, before any
//! compression) and every word it asks for exists in both languages.

use axum::body::Body;
use axum::http::Request;
use motcua_i18n::Lang;
use tower::ServiceExt;

use super::{Browser, Portal, portal};

/// The bytes a browser receives for `path`, compressed as it accepts.
async fn transferred(portal: &Portal, browser: &Browser<'_>, path: &str) -> usize {
    let cookies: Vec<String> = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let request = Request::get(path)
        .header("accept-encoding", "gzip")
        .header("cookie", cookies.join("; "))
        .body(Body::empty())
        .unwrap();
    let response = portal.app.clone().oneshot(request).await.unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .unwrap()
        .len()
}

/// The budget of one page: its HTML plus the stylesheet.
const BUDGET: usize = 60 * 1024;

#[tokio::test]
async fn the_heaviest_pages_stay_under_the_budget() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    let css_path = {
        let home = browser.get("/").await.body;
        let from = home.find("/static/app-").unwrap();
        home[from..from + home[from..].find('"').unwrap()].to_owned()
    };
    let css = browser.get(&css_path).await.body.len();
    browser.sign_in("an@demo.motcua.vn").await;
    // Birth registration has the longest form; with a province picked, its
    // address fields list that province's communes.
    let reply = browser.post("/thu-tuc/1.001193/nop", &[]).await;
    let draft = reply.header("location").to_owned();
    browser
        .post(
            &draft,
            &[
                ("nguoi_yeu_cau_noi_cu_tru.province", "82"),
                ("delivery.province", "82"),
                ("action", "choose"),
            ],
        )
        .await;
    for path in [
        "/",
        "/thu-tuc",
        "/thu-tuc/1.001193",
        "/dang-ky",
        "/tra-cuu",
        "/ho-so",
        draft.as_str(),
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        let weight = page.body.len() + css;
        assert!(weight < BUDGET, "{path}: {weight} bytes");
    }
    // The apply page also loads htmx: with everything it loads, compressed
    // as sent, it stays well under the budget too.
    let page = browser.get(&draft).await.body;
    let from = page.find("/static/htmx-").unwrap();
    let htmx = page[from..from + page[from..].find('"').unwrap()].to_owned();
    let total = transferred(&portal, &browser, &draft).await
        + transferred(&portal, &browser, &css_path).await
        + transferred(&portal, &browser, &htmx).await;
    assert!(
        total < BUDGET / 2,
        "apply page with its stylesheet and htmx: {total} bytes"
    );
}

#[tokio::test]
async fn the_commune_picker_lists_a_provinces_communes() {
    let portal = portal().await;
    let mut browser = Browser::new(&portal);
    let reply = browser
        .get("/dia-chi/xa?ten=home.commune&home.province=82")
        .await;
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .body
            .contains("id=\"home-commune\" name=\"home.commune\"")
    );
    assert!(reply.body.contains(">Phường Cao Lãnh</option>"));
    assert!(!reply.body.contains("<html"), "a fragment, not a page");
    let none = browser
        .get("/dia-chi/xa?ten=home.commune&home.province=")
        .await;
    assert!(!none.body.contains("<select"));
    let bad = browser.get("/dia-chi/xa?ten=%3Cscript%3E").await;
    assert_eq!(bad.status, 400);
}

/// Every `ctx.t("…")` and `ctx.t1("…"` key of the templates.
fn template_keys() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut keys = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for marker in ["ctx.t(\"", "ctx.t1(\""] {
                for piece in text.split(marker).skip(1) {
                    keys.push(piece.split('"').next().unwrap().to_owned());
                }
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

#[test]
fn every_word_of_the_templates_exists_in_both_languages() {
    let keys = template_keys();
    assert!(keys.len() > 100, "{}", keys.len());
    for key in keys {
        for lang in Lang::ALL {
            assert!(lang.has(&key), "{lang} lacks {key}");
        }
    }
}

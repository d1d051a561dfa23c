//! The citizen portal end to end in process: a real SQLite store and blob
//! folder in a temporary directory, the demonstration province loaded, and
//! a client that keeps its cookies like a browser.

mod accounts;
mod after;
mod apply;
mod by_post;
mod pay;
mod policy;
mod post;
mod search;
mod stats;
mod track;
mod weight;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use chrono::Utc;
use motcua_app::{Services, Settings, demo};
use motcua_blobs::LocalBlobStore;
use motcua_store::Store;
use motcua_store_sqlite::SqliteStore;
use motcua_web::{AppState, BuildInfo};
use tempfile::TempDir;

use super::{Reply, send};

/// A portal with its own database and files.
pub struct Portal {
    pub app: Router,
    pub services: Arc<Services>,
    _dir: TempDir,
}

pub async fn portal() -> Portal {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("motcua.db"))
        .await
        .unwrap();
    let breaks = motcua_domain::calendar::schedule::bundled().unwrap();
    store.seed_holidays(&breaks).await.unwrap();
    let blobs = LocalBlobStore::open(dir.path().join("blobs")).unwrap();
    let services = Arc::new(Services {
        memo: Default::default(),
        store: Arc::new(store),
        blobs: Arc::new(blobs),
        settings: Settings {
            public_url: "http://portal.test".into(),
            province_name: "Tỉnh Đồng Tháp".into(),
        },
        renderer: Arc::new(motcua_domain::printout::NoRenderer),
        payments: Arc::new(motcua_app::payments::VnPay::sandbox("http://portal.test")),
    });
    demo::load(&services, Utc::now()).await.unwrap();
    let state = AppState::new(BuildInfo::from_crate())
        .with_province_name("Tỉnh Đồng Tháp")
        .with_services(services.clone());
    Portal {
        app: motcua_web::router(state),
        services,
        _dir: dir,
    }
}

/// A browser: keeps the cookies it is given and sends them back.
pub struct Browser<'p> {
    pub portal: &'p Portal,
    pub cookies: BTreeMap<String, String>,
}

impl<'p> Browser<'p> {
    pub fn new(portal: &'p Portal) -> Self {
        Browser {
            portal,
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, reply: &Reply) {
        for value in reply.headers.get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub async fn request(&mut self, request: axum::http::request::Builder, body: Body) -> Reply {
        let request = request
            .header("cookie", self.cookie_header())
            .body(body)
            .unwrap();
        let reply = send(self.portal.app.clone(), request).await;
        self.keep(&reply);
        reply
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.request(Request::get(path), Body::empty()).await
    }

    /// This browser's CSRF token (it gets one on its first page).
    pub async fn csrf(&mut self) -> String {
        if !self.cookies.contains_key("motcua_csrf") {
            self.get("/").await;
        }
        self.cookies["motcua_csrf"].clone()
    }

    /// Posts a form with the CSRF token, as our pages do.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts a form exactly as given (no token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.request(
            Request::post(path).header("content-type", "application/x-www-form-urlencoded"),
            Body::from(body),
        )
        .await
    }

    /// Posts a multipart form: the CSRF token, then text fields, then files
    /// `(input name, file name, content type, bytes)`.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, Vec<u8>)],
    ) -> Reply {
        let token = self.csrf().await;
        let boundary = "----motcua-test-boundary";
        let mut body: Vec<u8> = Vec::new();
        let text = |name: &str, value: &str, body: &mut Vec<u8>| {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
        };
        text("_csrf", &token, &mut body);
        for (name, value) in fields {
            text(name, value, &mut body);
        }
        for (name, file_name, content_type, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.request(
            Request::post(path).header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            ),
            Body::from(body),
        )
        .await
    }

    /// Signs in as `login` with the demo password.
    pub async fn sign_in(&mut self, login: &str) {
        let reply = self
            .post(
                "/dang-nhap",
                &[("login", login), ("password", demo::PASSWORD)],
            )
            .await;
        assert_eq!(reply.status, 303, "{}", reply.body);
        assert!(self.cookies.contains_key("motcua_session"));
    }
}

/// The smallest PDF worth the name: the magic bytes and a trailer.
pub fn pdf_bytes() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

/// A PNG's first bytes.
pub fn png_bytes() -> Vec<u8> {
    let mut b = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    b.extend_from_slice(&[
        0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
    ]);
    b
}

/// The text between `start` and the next `end` in `body`.
pub fn between<'a>(body: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = body.find(start)? + start.len();
    let to = body[from..].find(end)? + from;
    Some(&body[from..to])
}

/// Submits a certification dossier as An; returns its code and PIN.
pub async fn submitted(browser: &mut Browser<'_>) -> (String, String) {
    browser.sign_in("an@demo.motcua.vn").await;
    let reply = browser.post("/thu-tuc/2.000815/nop", &[]).await;
    let id = reply
        .header("location")
        .trim_start_matches("/nop-ho-so/")
        .to_owned();
    let fields = [
        ("agency", "000.41.02.H82"),
        ("nguoi_yeu_cau_ho_ten", "Nguyễn Văn An"),
        ("nguoi_yeu_cau_so_dinh_danh", "087095000123"),
        ("nguoi_yeu_cau_dien_thoai", "0912345678"),
        ("ten_giay_to", "Giấy khai sinh"),
        ("co_quan_cap", "UBND phường Mỹ Tho"),
        ("so_trang", "1"),
        ("so_ban", "1"),
        ("delivery", "counter"),
        ("action", "save"),
    ];
    browser.post(&format!("/nop-ho-so/{id}"), &fields).await;
    browser
        .post_multipart(
            &format!("/nop-ho-so/{id}/tep"),
            &[("field", "ban_chup")],
            &[("file", "a.pdf", "application/pdf", pdf_bytes())],
        )
        .await;
    let done = browser.post(&format!("/nop-ho-so/{id}/nop"), &[]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let receipt = browser.get(done.header("location")).await;
    let code = between(&receipt.body, "<dt>Mã hồ sơ</dt><dd><strong>", "</strong>")
        .unwrap()
        .to_owned();
    let pin = between(&receipt.body, "<strong class=\"pin\">", "</strong>")
        .unwrap()
        .to_owned();
    (code, pin)
}

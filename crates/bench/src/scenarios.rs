//! What the simulated users do, each through the path a real one takes:
//! the JSON API for an app's submission, tracking and the officer's action;
//! the pages for the catalog search, the inbox, the statistics and the
//! six-month review.

use std::sync::Mutex;

use bytes::Bytes;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::json;

use crate::ceiling::ATTACHMENT_BYTES;
use crate::drive::{Failure, Operation};
use crate::http::{As, Body, Http};

/// The demonstration accounts the scenarios act as (`motcua demo generate`
/// loads them with the demo province).
pub const APPLICANT: &str = "an@demo.motcua.vn";
pub const RECEPTION: &str = "tiepnhan@demo.motcua.vn";
pub const DEMO_PASSWORD: &str = "motcua-demo";

/// The demo procedure applied for, and a complete application for it.
const PROCEDURE: &str = "2.000815";
const FILE_FIELD: &str = "ban_chup";

fn application() -> serde_json::Value {
    json!({
        "inputs": {
            "agency": "000.41.01.H82",
            "nguoi_yeu_cau_ho_ten": "Nguyễn Văn An",
            "nguoi_yeu_cau_so_dinh_danh": "087095000123",
            "nguoi_yeu_cau_dien_thoai": "0912 345 678",
            "ten_giay_to": "Bằng tốt nghiệp trung học phổ thông",
            "co_quan_cap": "Sở Giáo dục và Đào tạo Đồng Tháp",
            "so_trang": "1",
            "so_ban": "2"
        },
        "delivery": "counter"
    })
}

/// Words people search the catalog for.
const SEARCHES: [&str; 6] = [
    "khai sinh",
    "ket hon",
    "giay phep kinh doanh",
    "chứng thực",
    "xây dựng",
    "hộ tịch",
];

/// The scenarios, in the order a run measures them: submissions first,
/// since tracking and the officer's action work on what they made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// An online application with a 200 KB PDF, through the API: a draft,
    /// its inputs, the upload, the submission (acknowledged after the
    /// commit). One operation is the four requests.
    Submit,
    /// A tracking look-up by code and PIN (`POST /api/track`).
    Track,
    /// The catalog search page (`/thu-tuc?q=`).
    Catalog,
    /// An officer's inbox page (`/can-bo`).
    Inbox,
    /// A workflow action: the reception officer accepts a dossier submitted
    /// in this run (`POST /api/office/dossiers/{id}/actions/accept`).
    Action,
    /// The public statistics page (`/thong-ke`).
    Statistics,
    /// The six-month review as XLSX, as an official downloads it.
    Report,
}

impl Scenario {
    pub const ALL: [Scenario; 7] = [
        Scenario::Submit,
        Scenario::Track,
        Scenario::Catalog,
        Scenario::Inbox,
        Scenario::Action,
        Scenario::Statistics,
        Scenario::Report,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Submit => "submission (200 KB PDF)",
            Scenario::Track => "tracking look-up",
            Scenario::Catalog => "catalog search",
            Scenario::Inbox => "officer's inbox page",
            Scenario::Action => "workflow action (accept)",
            Scenario::Statistics => "statistics page",
            Scenario::Report => "six-month review (XLSX)",
        }
    }

    /// Whether the scenario is measured against the write ceiling.
    pub fn writes(self) -> bool {
        matches!(self, Scenario::Submit | Scenario::Action)
    }
}

/// Who the scenarios act as, and what they share.
pub struct Users {
    pub applicant_token: String,
    pub officer_token: String,
    /// The reception officer's browser cookies.
    pub officer_cookies: String,
    /// The review's period (`2026-H1`).
    pub period: String,
    attachment: Bytes,
    /// (code, PIN) of every dossier submitted in this run.
    tracked: Mutex<Vec<(String, String)>>,
    /// Dossiers submitted in this run and not accepted yet.
    to_accept: Mutex<Vec<String>>,
}

impl Users {
    /// Signs the applicant and the reception officer in on `http`.
    pub async fn sign_in(http: &Http, period: &str) -> Result<Users, String> {
        let applicant_token = api_session(http, APPLICANT).await?;
        let officer_token = api_session(http, RECEPTION).await?;
        let officer_cookies = page_session(http, RECEPTION).await?;
        Ok(Users {
            applicant_token,
            officer_token,
            officer_cookies,
            period: period.to_owned(),
            attachment: crate::pdf::padded(ATTACHMENT_BYTES),
            tracked: Mutex::new(Vec::new()),
            to_accept: Mutex::new(Vec::new()),
        })
    }

    /// How many submitted dossiers wait to be accepted.
    pub fn waiting(&self) -> usize {
        self.to_accept.lock().map(|q| q.len()).unwrap_or(0)
    }

    /// How many dossiers this run submitted.
    pub fn submitted(&self) -> usize {
        self.tracked.lock().map(|t| t.len()).unwrap_or(0)
    }
}

/// A session of the JSON API: its bearer token.
async fn api_session(http: &Http, login: &str) -> Result<String, String> {
    let reply = http
        .post(
            "/api/sessions",
            As::Anonymous,
            Body::Json(json!({"login": login, "password": DEMO_PASSWORD})),
        )
        .await?
        .expect(201)
        .map_err(|e| format!("signing {login} in: {e}"))?;
    reply.json()?["token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("signing {login} in: no token"))
}

/// A browser's sign-in through the form: the cookies it ends up with.
async fn page_session(http: &Http, login: &str) -> Result<String, String> {
    let form = http.get("/dang-nhap", As::Anonymous).await?.expect(200)?;
    let csrf = form
        .cookies
        .iter()
        .find_map(|c| c.strip_prefix("motcua_csrf="))
        .ok_or("the sign-in page set no CSRF cookie")?
        .to_owned();
    let body = serde_urlencoded::to_string([
        ("_csrf", csrf.as_str()),
        ("login", login),
        ("password", DEMO_PASSWORD),
    ])
    .map_err(|e| e.to_string())?;
    let signed_in = http
        .post(
            "/dang-nhap",
            As::Cookies(&format!("motcua_csrf={csrf}")),
            Body::Form(body),
        )
        .await?
        .expect(303)
        .map_err(|e| format!("signing {login} in on the page: {e}"))?;
    let session = signed_in
        .cookies
        .iter()
        .find(|c| c.starts_with("motcua_session="))
        .ok_or_else(|| format!("signing {login} in on the page: no session cookie"))?;
    Ok(format!("motcua_csrf={csrf}; {session}"))
}

/// What the connections share: the run, owned (tasks are `'static`).
pub struct Shared {
    pub scenario: Scenario,
    pub users: std::sync::Arc<Users>,
    pub connections: Vec<Http>,
}

impl Operation for Shared {
    async fn once(&self, connection: usize, seq: u64) -> Result<(), Failure> {
        let http = &self.connections[connection % self.connections.len()];
        let users = &self.users;
        match self.scenario {
            Scenario::Submit => submit(http, users, seq).await,
            Scenario::Track => {
                let pair = users
                    .tracked
                    .lock()
                    .ok()
                    .and_then(|t| (!t.is_empty()).then(|| t[seq as usize % t.len()].clone()));
                let Some((code, pin)) = pair else {
                    return Err(Failure::Error(
                        "no dossier to track: submit ran first and made none".into(),
                    ));
                };
                let reply = http
                    .post(
                        "/api/track",
                        As::Anonymous,
                        Body::Json(json!({"code": code, "pin": pin})),
                    )
                    .await?
                    .expect(200)?;
                reply.json()?;
                Ok(())
            }
            Scenario::Catalog => {
                let q = SEARCHES[seq as usize % SEARCHES.len()];
                let path = format!("/thu-tuc?q={}", utf8_percent_encode(q, NON_ALPHANUMERIC));
                http.get(&path, As::Anonymous).await?.expect(200)?;
                Ok(())
            }
            Scenario::Inbox => {
                http.get("/can-bo", As::Cookies(&users.officer_cookies))
                    .await?
                    .expect(200)?;
                Ok(())
            }
            Scenario::Action => {
                let next = users.to_accept.lock().ok().and_then(|mut q| q.pop());
                let Some(id) = next else {
                    return Err(Failure::Exhausted);
                };
                let path = format!("/api/office/dossiers/{id}/actions/accept");
                http.post(
                    &path,
                    As::Bearer(&users.officer_token),
                    Body::Json(json!({})),
                )
                .await?
                .expect(200)?;
                Ok(())
            }
            Scenario::Statistics => {
                http.get("/thong-ke", As::Anonymous).await?.expect(200)?;
                Ok(())
            }
            Scenario::Report => {
                let path = format!(
                    "/can-bo/bao-cao-thong-ke?ky={}&dinh-dang=xlsx",
                    users.period
                );
                let reply = http
                    .get(&path, As::Cookies(&users.officer_cookies))
                    .await?
                    .expect(200)?;
                if !reply.body.starts_with(b"PK") {
                    return Err(Failure::Error("the review is not an XLSX file".into()));
                }
                Ok(())
            }
        }
    }
}

/// One online application, from the draft to the acknowledgement.
async fn submit(http: &Http, users: &Users, seq: u64) -> Result<(), Failure> {
    let me = As::Bearer(&users.applicant_token);
    let draft = http
        .post(
            "/api/drafts",
            me,
            Body::Json(json!({"procedure": PROCEDURE})),
        )
        .await?
        .expect(201)?
        .json()?;
    let id = draft["id"]
        .as_str()
        .ok_or_else(|| "the new draft has no id".to_owned())?
        .to_owned();
    http.put(&format!("/api/drafts/{id}"), me, Body::Json(application()))
        .await?
        .expect(200)?;
    let upload = format!("/api/drafts/{id}/files?field={FILE_FIELD}&name=ban-chup.pdf");
    let pdf = crate::pdf::numbered(&users.attachment, seq);
    http.post(&upload, me, Body::Bytes("application/pdf", pdf))
        .await?
        .expect(201)?;
    let submitted = http
        .post(
            &format!("/api/drafts/{id}/submit"),
            me,
            Body::Json(json!({})),
        )
        .await?
        .expect(201)?
        .json()?;
    let (Some(code), Some(pin), Some(dossier)) = (
        submitted["code"].as_str(),
        submitted["pin"].as_str(),
        submitted["dossier_id"].as_str(),
    ) else {
        return Err(Failure::Error(format!(
            "the submission's answer lacks its code or PIN: {submitted}"
        )));
    };
    if let Ok(mut tracked) = users.tracked.lock() {
        tracked.push((code.to_owned(), pin.to_owned()));
    }
    if let Ok(mut queue) = users.to_accept.lock() {
        queue.push(dossier.to_owned());
    }
    Ok(())
}

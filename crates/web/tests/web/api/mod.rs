//! The JSON API end to end in process, on the same portal as the pages (a
//! real SQLite store, the demonstration province): a client that speaks
//! JSON and authenticates with `Authorization: Bearer` only.

mod accounts;
mod apply;
mod catalog;
mod dossiers;
mod office;
mod policy;
mod postal;
mod spec;
mod timeline;

use axum::body::Body;
use axum::http::Request;
use motcua_app::demo;
use serde_json::{Value, json};

use super::portal::{Portal, pdf_bytes};
use super::{Reply, send};

/// A JSON client with an optional bearer token.
pub struct Client<'p> {
    pub portal: &'p Portal,
    pub token: Option<String>,
}

impl<'p> Client<'p> {
    pub fn anonymous(portal: &'p Portal) -> Self {
        Client {
            portal,
            token: None,
        }
    }

    /// A client signed in as `login` with the demo password.
    pub async fn signed_in(portal: &'p Portal, login: &str) -> Self {
        let mut client = Client::anonymous(portal);
        let reply = client
            .post(
                "/api/sessions",
                json!({"login": login, "password": demo::PASSWORD}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        client.token = Some(reply.json()["token"].as_str().unwrap().to_owned());
        client
    }

    pub async fn send(
        &self,
        request: axum::http::request::Builder,
        content_type: Option<&str>,
        body: Body,
    ) -> Reply {
        let mut request = request;
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        send(self.portal.app.clone(), request.body(body).unwrap()).await
    }

    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let request = Request::builder().method(method).uri(path);
        match body {
            Some(body) => {
                self.send(
                    request,
                    Some("application/json"),
                    Body::from(body.to_string()),
                )
                .await
            }
            None => self.send(request, None, Body::empty()).await,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call("POST", path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.call("PUT", path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.call("DELETE", path, None).await
    }

    /// Uploads `bytes` as the raw body, under `content_type`.
    pub async fn upload(&self, path: &str, content_type: &str, bytes: Vec<u8>) -> Reply {
        self.send(Request::post(path), Some(content_type), Body::from(bytes))
            .await
    }

    /// Posts a multipart form: text fields, then files `(part name, file
    /// name, content type, bytes)`.
    pub async fn multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, Vec<u8>)],
    ) -> Reply {
        let boundary = "----motcua-api-boundary";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
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
        self.send(
            Request::post(path),
            Some(&format!("multipart/form-data; boundary={boundary}")),
            Body::from(body),
        )
        .await
    }
}

/// A problem's checks: its media type, status and type slug.
pub fn assert_problem(reply: &Reply, status: u16, slug: &str) -> Value {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.header("content-type"), "application/problem+json");
    let problem = reply.json();
    assert_eq!(
        problem["type"],
        format!("https://motcua.vn/problems/{slug}"),
        "{problem}"
    );
    assert_eq!(problem["status"], status);
    problem
}

/// The fields a 422 problem names.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Chứng thực bản sao từ bản chính: decided by each commune, one upload
/// (`ban_chup`, PDF/JPEG/PNG up to 10 MiB), counter delivery only.
pub const PROCEDURE: &str = "2.000815";

/// The inputs of a complete application for [`PROCEDURE`].
pub fn good_inputs() -> Value {
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

/// Starts a draft of [`PROCEDURE`]; its id.
pub async fn start_draft(client: &Client<'_>) -> String {
    let reply = client
        .post("/api/drafts", json!({"procedure": PROCEDURE}))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let id = reply.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(reply.header("location"), format!("/api/drafts/{id}"));
    id
}

/// A complete draft with its upload, submitted; (dossier id, code, PIN).
pub async fn submitted(client: &Client<'_>) -> (String, String, String) {
    let id = start_draft(client).await;
    let saved = client
        .put(&format!("/api/drafts/{id}"), good_inputs())
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let upload = client
        .upload(
            &format!("/api/drafts/{id}/files?field=ban_chup&name=bang.pdf"),
            "application/pdf",
            pdf_bytes(),
        )
        .await;
    assert_eq!(upload.status, 201, "{}", upload.body);
    let done = client
        .post(&format!("/api/drafts/{id}/submit"), json!({}))
        .await;
    assert_eq!(done.status, 201, "{}", done.body);
    let body = done.json();
    (
        body["dossier_id"].as_str().unwrap().to_owned(),
        body["code"].as_str().unwrap().to_owned(),
        body["pin"].as_str().unwrap().to_owned(),
    )
}

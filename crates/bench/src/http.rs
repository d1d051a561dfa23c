//! One simulated connection: an HTTP/1.1 client that keeps a single
//! connection open to the server under test, as one browser or one app
//! would.

use std::time::Duration;

use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderValue, SET_COOKIE};
use axum::http::{Method, Request, StatusCode};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// How long one request may take before it counts as an error: a bound, so
/// a stuck server ends the run instead of hanging it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Who a request is made as.
#[derive(Debug, Clone, Copy)]
pub enum As<'a> {
    Anonymous,
    /// `Authorization: Bearer` (the JSON API).
    Bearer(&'a str),
    /// A browser's cookies (the pages).
    Cookies(&'a str),
}

/// A request's body and its media type.
#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    Json(serde_json::Value),
    Form(String),
    Bytes(&'static str, Bytes),
}

/// What came back.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    /// The `name=value` part of every `Set-Cookie`.
    pub cookies: Vec<String>,
    pub body: Bytes,
}

impl Reply {
    /// The body as JSON, or why not.
    pub fn json(&self) -> Result<serde_json::Value, String> {
        serde_json::from_slice(&self.body).map_err(|e| format!("{}: not JSON: {e}", self.status))
    }

    /// Ok when the status is `expected`; else the status and the start of
    /// the body, which says what went wrong.
    pub fn expect(self, expected: u16) -> Result<Reply, String> {
        if self.status.as_u16() == expected {
            return Ok(self);
        }
        let text = String::from_utf8_lossy(&self.body);
        let start: String = text.chars().take(300).collect();
        Err(format!("{} (expected {expected}): {start}", self.status))
    }
}

/// One connection's client.
#[derive(Clone)]
pub struct Http {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Http {
    /// A client of the server at `base` (`http://127.0.0.1:PORT`) that keeps
    /// one connection.
    pub fn new(base: &str) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(1)
            .build(connector);
        Http {
            base: base.trim_end_matches('/').to_owned(),
            client,
        }
    }

    pub async fn get(&self, path: &str, who: As<'_>) -> Result<Reply, String> {
        self.send(Method::GET, path, who, Body::Empty).await
    }

    pub async fn post(&self, path: &str, who: As<'_>, body: Body) -> Result<Reply, String> {
        self.send(Method::POST, path, who, body).await
    }

    pub async fn put(&self, path: &str, who: As<'_>, body: Body) -> Result<Reply, String> {
        self.send(Method::PUT, path, who, body).await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        who: As<'_>,
        body: Body,
    ) -> Result<Reply, String> {
        let url = format!("{}{path}", self.base);
        let mut request = Request::builder().method(method).uri(&url);
        match who {
            As::Anonymous => {}
            As::Bearer(token) => {
                request = request.header(AUTHORIZATION, format!("Bearer {token}"));
            }
            As::Cookies(cookies) => request = request.header(COOKIE, cookies),
        }
        let (media_type, bytes) = match body {
            Body::Empty => (None, Bytes::new()),
            Body::Json(value) => (Some("application/json"), Bytes::from(value.to_string())),
            Body::Form(text) => (Some("application/x-www-form-urlencoded"), Bytes::from(text)),
            Body::Bytes(media_type, bytes) => (Some(media_type), bytes),
        };
        if let Some(media_type) = media_type {
            request = request.header(CONTENT_TYPE, HeaderValue::from_static(media_type));
        }
        let request = request
            .body(Full::new(bytes))
            .map_err(|e| format!("{url}: {e}"))?;
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| format!("{url}: {e}"))?;
            let status = response.status();
            let cookies = response
                .headers()
                .get_all(SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .filter_map(|v| v.split(';').next())
                .map(|pair| pair.trim().to_owned())
                .collect();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("{url}: reading the body: {e}"))?
                .to_bytes();
            Ok(Reply {
                status,
                cookies,
                body,
            })
        };
        tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .map_err(|_| format!("{url}: no answer in {} s", REQUEST_TIMEOUT.as_secs()))?
    }
}

//! The HTTP layer's one error type, [`WebError`], and how errors look on the
//! wire.
//!
//! A handler returns `Err(WebError::…)`; the error only records *what* went
//! wrong. The `render_errors` middleware, which knows the request's path and
//! language, then renders it once:
//!
//! - under `/api/` as `application/problem+json` (RFC 9457) with `type`,
//!   localized `title` and `detail`, `status`, `instance` (the request path)
//!   and `request_id` (the `x-request-id` also found in the logs);
//! - elsewhere as a friendly HTML page in the visitor's language, with the
//!   same status.
//!
//! Error responses made by axum or a tower layer (an unknown route, a wrong
//! method, a timeout, a panic) are rendered the same way. Internal causes
//! are logged with `tracing` and never shown.
//!
//! # Problem types
//!
//! Every `type` is `https://motcua.vn/problems/<slug>` ([`PROBLEM_TYPE_BASE`]);
//! they are stable: clients may match on them. Add a row (and its messages
//! `problem-<slug>-title` / `problem-<slug>-detail` in `web.ftl`) for a new
//! kind of error rather than reusing one that means something else.
//!
//! | slug | status | when |
//! |---|---|---|
//! | `bad-request` | 400 | malformed syntax: JSON that does not parse, a query string or parameter of the wrong shape |
//! | `unauthenticated` | 401 | credentials missing, malformed, expired or unknown |
//! | `forbidden` | 403 | the user is known but may not do this |
//! | `not-found` | 404 | no such route or resource |
//! | `method-not-allowed` | 405 | the route exists, the method does not |
//! | `request-timeout` | 408 | the request took longer than [`crate::REQUEST_TIMEOUT`] |
//! | `conflict` | 409 | the resource's state does not allow this now (a dossier's stage, a procedure not offered online, someone acted first) |
//! | `payload-too-large` | 413 | the body is larger than the route accepts |
//! | `unsupported-media-type` | 415 | wrong `Content-Type` (e.g. JSON expected) |
//! | `invalid-input` | 422 | well-formed input with wrong content (a missing field, a bad value); the problem lists `errors`, one per field |
//! | `too-many-requests` | 429 | too many failed attempts (sign-in, tracking PIN); `Retry-After` says when to try again |
//! | `internal` | 500 | a fault on our side; details only in the logs |
//! | `unavailable` | 503 | a dependency (database, storage) cannot be reached |
//! | `http-error` | any other | a status from a layer that has no type of its own yet |

use std::fmt;

use askama::Template;
use axum::body::Body;
use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_LANGUAGE, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER, VARY,
    WWW_AUTHENTICATE,
};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use motcua_app::AppError;
use motcua_domain::forms::FieldProblem;
use motcua_domain::message::{Message, MessageArg};
use motcua_i18n::Lang;
use motcua_store::StoreError;
use serde::Serialize;

use crate::page::{PageCtx, html_response};
use crate::state::AppState;

/// Where every problem `type` URI starts.
pub const PROBLEM_TYPE_BASE: &str = "https://motcua.vn/problems/";

/// The media type of problem details (RFC 9457 §3).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A kind of error, one row of the table in the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    BadRequest,
    Unauthenticated,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    RequestTimeout,
    PayloadTooLarge,
    UnsupportedMediaType,
    InvalidInput,
    Conflict,
    TooManyRequests,
    Internal,
    Unavailable,
    /// A status with no type of its own; the status is kept as it was.
    Other(StatusCode),
}

impl ProblemKind {
    /// Every kind with a type of its own (for documentation and tests).
    pub const ALL: [ProblemKind; 13] = [
        ProblemKind::BadRequest,
        ProblemKind::Unauthenticated,
        ProblemKind::Forbidden,
        ProblemKind::NotFound,
        ProblemKind::MethodNotAllowed,
        ProblemKind::RequestTimeout,
        ProblemKind::PayloadTooLarge,
        ProblemKind::UnsupportedMediaType,
        ProblemKind::InvalidInput,
        ProblemKind::Conflict,
        ProblemKind::TooManyRequests,
        ProblemKind::Internal,
        ProblemKind::Unavailable,
    ];

    /// The last segment of the type URI.
    pub fn slug(self) -> &'static str {
        match self {
            ProblemKind::BadRequest => "bad-request",
            ProblemKind::Unauthenticated => "unauthenticated",
            ProblemKind::Forbidden => "forbidden",
            ProblemKind::NotFound => "not-found",
            ProblemKind::MethodNotAllowed => "method-not-allowed",
            ProblemKind::RequestTimeout => "request-timeout",
            ProblemKind::PayloadTooLarge => "payload-too-large",
            ProblemKind::UnsupportedMediaType => "unsupported-media-type",
            ProblemKind::InvalidInput => "invalid-input",
            ProblemKind::Conflict => "conflict",
            ProblemKind::TooManyRequests => "too-many-requests",
            ProblemKind::Internal => "internal",
            ProblemKind::Unavailable => "unavailable",
            ProblemKind::Other(_) => "http-error",
        }
    }

    /// The problem `type`, e.g. `https://motcua.vn/problems/not-found`.
    pub fn type_uri(self) -> String {
        format!("{PROBLEM_TYPE_BASE}{}", self.slug())
    }

    pub fn status(self) -> StatusCode {
        match self {
            ProblemKind::BadRequest => StatusCode::BAD_REQUEST,
            ProblemKind::Unauthenticated => StatusCode::UNAUTHORIZED,
            ProblemKind::Forbidden => StatusCode::FORBIDDEN,
            ProblemKind::NotFound => StatusCode::NOT_FOUND,
            ProblemKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ProblemKind::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ProblemKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ProblemKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ProblemKind::InvalidInput => StatusCode::UNPROCESSABLE_ENTITY,
            ProblemKind::Conflict => StatusCode::CONFLICT,
            ProblemKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ProblemKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ProblemKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ProblemKind::Other(status) => status,
        }
    }

    /// The kind an error status of unknown origin stands for.
    pub fn from_status(status: StatusCode) -> ProblemKind {
        ProblemKind::ALL
            .into_iter()
            .find(|kind| kind.status() == status)
            .unwrap_or(ProblemKind::Other(status))
    }

    /// Message key of the short, fixed title.
    pub fn title_key(self) -> String {
        format!("problem-{}-title", self.slug())
    }

    /// Message key of the general explanation.
    pub fn detail_key(self) -> String {
        format!("problem-{}-detail", self.slug())
    }
}

/// Everything that can go wrong while answering a request.
///
/// The `Display` text is for logs (English, may be technical); what users
/// see comes from the catalogs.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Malformed syntax. `reason` says what was wrong in terms of the input
    /// (e.g. the JSON parser's message); it is shown to the client.
    #[error("malformed request: {reason}")]
    BadRequest { reason: String },
    /// Well-formed input with wrong content; `reason` is shown to the client.
    #[error("invalid input: {reason}")]
    InvalidInput { reason: String },
    /// Wrong `Content-Type`.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The body is larger than the route accepts.
    #[error("payload too large")]
    PayloadTooLarge,
    /// No (valid) credentials.
    #[error("not authenticated")]
    Unauthenticated,
    /// The `Authorization` header is not `Bearer <token>`.
    #[error("malformed Authorization header")]
    MalformedCredentials,
    /// The user may not do this.
    #[error("forbidden")]
    Forbidden,
    /// A form without this browser's CSRF token, or a cross-site state
    /// change.
    #[error("CSRF check failed")]
    CsrfRejected,
    /// No such route or resource.
    #[error("not found")]
    NotFound,
    /// Refused by a rule, with the domain's or the use case's own words
    /// (not found, a stage that does not allow it, too many attempts).
    #[error("refused ({kind}): {}", .message.key)]
    Refused {
        kind: ProblemKind,
        message: DomainText,
        /// Seconds until a throttled client may try again.
        retry_after: Option<u64>,
    },
    /// The input has problems, each at its field.
    #[error("{} invalid fields", .0.len())]
    Fields(Vec<FieldProblem>),
    /// A dependency cannot be reached; the cause is logged, not shown.
    #[error("service unavailable")]
    Unavailable(#[source] BoxError),
    /// A fault on our side; the cause is logged, not shown.
    #[error("internal error")]
    Internal(#[source] BoxError),
}

/// A boxed error, as carried by [`WebError::Internal`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

impl WebError {
    /// Wraps any error as an internal one (logged, never shown).
    pub fn internal(err: impl Into<BoxError>) -> Self {
        WebError::Internal(err.into())
    }

    pub fn kind(&self) -> ProblemKind {
        match self {
            WebError::BadRequest { .. } => ProblemKind::BadRequest,
            WebError::InvalidInput { .. } => ProblemKind::InvalidInput,
            WebError::UnsupportedMediaType => ProblemKind::UnsupportedMediaType,
            WebError::PayloadTooLarge => ProblemKind::PayloadTooLarge,
            WebError::Unauthenticated | WebError::MalformedCredentials => {
                ProblemKind::Unauthenticated
            }
            WebError::Forbidden | WebError::CsrfRejected => ProblemKind::Forbidden,
            WebError::NotFound => ProblemKind::NotFound,
            WebError::Refused { kind, .. } => *kind,
            WebError::Fields(_) => ProblemKind::InvalidInput,
            WebError::Unavailable(_) => ProblemKind::Unavailable,
            WebError::Internal(_) => ProblemKind::Internal,
        }
    }

    fn detail(&self) -> Detail {
        match self {
            WebError::BadRequest { reason } | WebError::InvalidInput { reason } => {
                Detail::Reason(reason.clone())
            }
            WebError::MalformedCredentials => Detail::Key("problem-malformed-credentials-detail"),
            WebError::Refused { message, .. } => Detail::Message(message.clone()),
            WebError::CsrfRejected => Detail::Key("problem-csrf-detail"),
            _ => Detail::General,
        }
    }

    /// Turns an extractor's rejection into an error by its status, keeping
    /// the parser's own words about the input as the reason.
    fn from_rejection(status: StatusCode, err: &dyn std::error::Error) -> Self {
        // axum's rejection texts are "Failed to …: <cause>"; the cause (its
        // source) is what tells the client what to fix.
        let reason = err
            .source()
            .map_or_else(|| err.to_string(), ToString::to_string);
        match status {
            StatusCode::UNPROCESSABLE_ENTITY => WebError::InvalidInput { reason },
            StatusCode::UNSUPPORTED_MEDIA_TYPE => WebError::UnsupportedMediaType,
            StatusCode::PAYLOAD_TOO_LARGE => WebError::PayloadTooLarge,
            status if status.is_server_error() => WebError::Internal(reason.into()),
            _ => WebError::BadRequest { reason },
        }
    }
}

impl From<JsonRejection> for WebError {
    fn from(rejection: JsonRejection) -> Self {
        Self::from_rejection(rejection.status(), &rejection)
    }
}

impl From<QueryRejection> for WebError {
    fn from(rejection: QueryRejection) -> Self {
        Self::from_rejection(rejection.status(), &rejection)
    }
}

impl From<FormRejection> for WebError {
    fn from(rejection: FormRejection) -> Self {
        Self::from_rejection(rejection.status(), &rejection)
    }
}

impl From<PathRejection> for WebError {
    fn from(rejection: PathRejection) -> Self {
        Self::from_rejection(rejection.status(), &rejection)
    }
}

/// A message of the catalogs with its arguments, worded when the response
/// is rendered (in the request's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainText {
    pub key: &'static str,
    pub args: Vec<(&'static str, MessageArg)>,
}

impl DomainText {
    pub fn of(message: &dyn Message) -> Self {
        DomainText {
            key: message.message_key(),
            args: message.message_args(),
        }
    }

    /// The text in `lang`.
    pub fn say(&self, lang: Lang) -> String {
        lang.describe(self)
    }
}

impl Message for DomainText {
    fn message_key(&self) -> &'static str {
        self.key
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        self.args.clone()
    }
}

impl From<AppError> for WebError {
    fn from(err: AppError) -> Self {
        let refused = |kind: ProblemKind, message: &dyn Message| WebError::Refused {
            kind,
            message: DomainText::of(message),
            retry_after: None,
        };
        match err {
            AppError::Invalid(problems) => WebError::Fields(problems),
            AppError::NotFound(_) => refused(ProblemKind::NotFound, &err),
            AppError::BadCredentials => refused(ProblemKind::Unauthenticated, &err),
            AppError::Disabled => refused(ProblemKind::Forbidden, &err),
            AppError::Throttled { until } => WebError::Refused {
                kind: ProblemKind::TooManyRequests,
                message: DomainText::of(&err),
                retry_after: Some(
                    u64::try_from((until - chrono::Utc::now()).num_seconds())
                        .unwrap_or(1)
                        .max(1),
                ),
            },
            AppError::BadLink | AppError::Period(_) => refused(ProblemKind::InvalidInput, &err),
            AppError::NotOnline | AppError::Lifecycle(_) | AppError::Postal(_) => {
                refused(ProblemKind::Conflict, &err)
            }
            AppError::Store(StoreError::Conflict { .. }) => refused(ProblemKind::Conflict, &err),
            AppError::Store(StoreError::NotFound { .. }) => refused(ProblemKind::NotFound, &err),
            // Said as it is: this server has no engine for the file; the
            // page to print still works.
            AppError::Render(motcua_domain::printout::RenderError::Unavailable { .. }) => {
                refused(ProblemKind::Unavailable, &err)
            }
            AppError::Store(StoreError::Unavailable(_)) | AppError::Blob(_) => {
                WebError::Unavailable(Box::new(err))
            }
            other => WebError::Internal(Box::new(other)),
        }
    }
}

/// What a problem says beyond its title.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Detail {
    /// The kind's general explanation.
    General,
    /// Another message of the catalog.
    Key(&'static str),
    /// The general explanation; what the parser said about the input goes
    /// with it apart (see [`ProblemBody::reason`]).
    Reason(String),
    /// A message of the domain or the use cases.
    Message(DomainText),
}

/// Rides on an error response from the handler to `render_errors`.
#[derive(Debug, Clone)]
struct PendingProblem {
    kind: ProblemKind,
    detail: Detail,
    /// Problems at fields of the input (an invalid form).
    fields: Vec<FieldProblem>,
    retry_after: Option<u64>,
}

/// Reasons come from parsers and may quote the input: keep them short.
const MAX_REASON_CHARS: usize = 300;

impl PendingProblem {
    fn title(&self, lang: Lang) -> String {
        lang.tr(&self.kind.title_key())
    }

    /// The parser's own words about a malformed input, shortened.
    fn reason(&self) -> Option<String> {
        match &self.detail {
            Detail::Reason(reason) => Some(reason.chars().take(MAX_REASON_CHARS).collect()),
            _ => None,
        }
    }

    fn detail(&self, lang: Lang) -> String {
        match &self.detail {
            Detail::General => lang.tr(&self.kind.detail_key()),
            Detail::Key(key) => lang.tr(key),
            Detail::Message(text) => text.say(lang),
            Detail::Reason(_) => lang.tr(&self.kind.detail_key()),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (kind, detail) = (self.kind(), self.detail());
        match &self {
            WebError::Internal(cause) => {
                tracing::error!(error = %cause, source = ?cause.source(), "internal error");
            }
            WebError::Unavailable(cause) => {
                tracing::error!(error = %cause, "dependency unavailable");
            }
            other => tracing::debug!(error = %other, "request refused"),
        }
        let (fields, retry_after) = match self {
            WebError::Fields(problems) => (problems, None),
            WebError::Refused { retry_after, .. } => (Vec::new(), retry_after),
            _ => (Vec::new(), None),
        };
        let problem = PendingProblem {
            kind,
            detail,
            fields,
            retry_after,
        };
        let mut response = problem.kind.status().into_response();
        response.extensions_mut().insert(problem);
        response
    }
}

/// The JSON body of a problem (RFC 9457 §3.1 plus `request_id`).
#[derive(Debug, Serialize)]
struct ProblemBody<'a> {
    #[serde(rename = "type")]
    type_uri: String,
    title: String,
    status: u16,
    detail: String,
    instance: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
    /// What was wrong with a malformed input, in the parser's own words
    /// (English, for the client's developers; `detail` is in the request's
    /// language). An RFC 9457 extension member.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// One entry per field with a problem (RFC 9457 extension member).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldErrorBody>,
}

/// A problem at one field of the input.
#[derive(Debug, Serialize)]
struct FieldErrorBody {
    /// The input's name (`identity`, `home.commune`).
    field: String,
    /// The stable message key, for clients that word it themselves.
    code: &'static str,
    /// The message in the request's language.
    message: String,
}

/// Where the error happened, captured before the request is handed on.
struct RequestFacts {
    page: PageCtx,
    lang: Lang,
    path: String,
    request_id: Option<String>,
}

impl RequestFacts {
    fn is_api(&self) -> bool {
        self.path == "/api" || self.path.starts_with("/api/")
    }
}

/// Middleware: renders every error response of the application.
pub(crate) async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let facts = RequestFacts {
        page: PageCtx::from_request(headers, request.uri(), &state),
        lang: crate::lang::negotiate(headers),
        path: request.uri().path().to_owned(),
        request_id: headers
            .get(crate::layers::REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    let mut response = next.run(request).await;
    let problem = match response.extensions_mut().remove::<PendingProblem>() {
        Some(problem) => problem,
        None if is_unrendered_error(&response) => PendingProblem {
            kind: ProblemKind::from_status(response.status()),
            detail: Detail::General,
            fields: Vec::new(),
            retry_after: None,
        },
        None => return response,
    };
    render(&facts, &problem, response)
}

/// An error response that nobody dressed: axum's 404/405, a layer's
/// 408/413, a rejection of an axum extractor used directly (plain text).
fn is_unrendered_error(response: &Response) -> bool {
    let status = response.status();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    (status.is_client_error() || status.is_server_error())
        && !content_type.starts_with(PROBLEM_JSON)
        && !content_type.starts_with("text/html")
}

fn render(facts: &RequestFacts, problem: &PendingProblem, original: Response) -> Response {
    let lang = facts.lang;
    let status = problem.kind.status();
    let title = problem.title(lang);
    let detail = problem.detail(lang);
    // Keep the headers the error came with (`Allow` on a 405, …).
    let (mut parts, _) = original.into_parts();
    parts.status = status;
    parts.headers.remove(CONTENT_LENGTH);
    let fresh = if facts.is_api() {
        let body = ProblemBody {
            type_uri: problem.kind.type_uri(),
            title,
            status: status.as_u16(),
            detail,
            instance: &facts.path,
            request_id: facts.request_id.as_deref(),
            reason: problem.reason(),
            errors: problem
                .fields
                .iter()
                .map(|p| FieldErrorBody {
                    field: p.field.clone(),
                    code: p.message_key(),
                    message: lang.describe(p),
                })
                .collect(),
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (status, json).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        headers.insert(CONTENT_LANGUAGE, HeaderValue::from_static(lang.tag()));
        headers.insert(VARY, HeaderValue::from_static("cookie, accept-language"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(seconds) = problem.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            headers.insert(RETRY_AFTER, value);
        }
        if problem.kind == ProblemKind::Unauthenticated {
            headers.insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"motcua\""),
            );
        }
        response
    } else {
        let fields: Vec<String> = problem.fields.iter().map(|p| lang.describe(p)).collect();
        error_page(
            &facts.page,
            status,
            &title,
            &detail,
            &fields,
            facts.request_id.as_deref(),
        )
    };
    let (fresh_parts, body) = fresh.into_parts();
    parts.headers.extend(fresh_parts.headers);
    Response::from_parts(parts, body)
}

/// The friendly page shown for an error outside `/api/`.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: &'a PageCtx,
    status: u16,
    title: &'a str,
    detail: &'a str,
    fields: &'a [String],
    request_id: Option<&'a str>,
}

fn error_page(
    ctx: &PageCtx,
    status: StatusCode,
    title: &str,
    detail: &str,
    fields: &[String],
    request_id: Option<&str>,
) -> Response {
    let page = ErrorPage {
        ctx,
        status: status.as_u16(),
        title,
        detail,
        fields,
        request_id,
    };
    match page.render() {
        Ok(html) => html_response(ctx.lang(), status, html),
        Err(err) => {
            tracing::error!(error = %err, "error page failed to render");
            let mut response = (status, Body::from(format!("{status}"))).into_response();
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            response
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_slug_status_and_messages() {
        let mut slugs = std::collections::HashSet::new();
        let mut statuses = std::collections::HashSet::new();
        for kind in ProblemKind::ALL {
            assert!(slugs.insert(kind.slug()), "{kind}");
            assert!(statuses.insert(kind.status()), "{kind}");
            assert_eq!(ProblemKind::from_status(kind.status()), kind);
            for lang in Lang::ALL {
                assert!(lang.has(&kind.title_key()), "{lang} {}", kind.title_key());
                assert!(lang.has(&kind.detail_key()), "{lang} {}", kind.detail_key());
            }
        }
        let other = ProblemKind::from_status(StatusCode::IM_A_TEAPOT);
        assert_eq!(other.status(), StatusCode::IM_A_TEAPOT);
        assert!(Lang::Vi.has(&other.title_key()));
    }
}

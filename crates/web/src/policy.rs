//! Who may call what: one table of endpoint × role, enforced in one place
//! (the `enforce` middleware) and tested from the same table.
//!
//! Every route of the application has a row; a route without one is
//! refused (and the router refuses to be built with one in debug builds,
//! so a test catches it). Handlers still ask for what they need (an
//! [`crate::visitor::Applicant`] extractor), so a mistake here fails closed.

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use motcua_store::UserKind;

use crate::error::WebError;
use crate::state::AppState;
use crate::visitor::Visitor;

/// Who may reach an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A signed-in citizen or business (the applicant of the portal).
    Applicant,
    /// Any signed-in account, applicant or official (what each may see is
    /// decided by the use case).
    Account,
    /// A signed-in official (the back office). Which dossiers and actions
    /// are theirs is decided by their roles at agencies, in the use cases.
    Official,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    pub method: &'static str,
    /// The route as registered (`/ho-so/{id}`).
    pub path: &'static str,
    pub access: Access,
}

const fn public(method: &'static str, path: &'static str) -> Endpoint {
    Endpoint {
        method,
        path,
        access: Access::Public,
    }
}

const fn applicant(method: &'static str, path: &'static str) -> Endpoint {
    Endpoint {
        method,
        path,
        access: Access::Applicant,
    }
}

const fn account(method: &'static str, path: &'static str) -> Endpoint {
    Endpoint {
        method,
        path,
        access: Access::Account,
    }
}

const fn official(method: &'static str, path: &'static str) -> Endpoint {
    Endpoint {
        method,
        path,
        access: Access::Official,
    }
}

/// Every endpoint of the application and who may call it.
pub const ENDPOINTS: &[Endpoint] = &[
    // Infrastructure.
    public("GET", "/"),
    public("GET", "/healthz"),
    public("GET", crate::lang::LANG_SWITCH_PATH),
    public("GET", "/static/{file}"),
    // Catalog and addresses.
    public("GET", "/thu-tuc"),
    public("GET", "/thong-ke"),
    public("GET", "/thong-ke/du-lieu.json"),
    public("GET", "/thong-ke/du-lieu.csv"),
    official("GET", "/can-bo/bao-cao-thong-ke"),
    public("GET", "/thu-tuc/{code}"),
    public("GET", "/dia-chi/xa"),
    // Accounts.
    public("GET", "/dang-ky"),
    public("POST", "/dang-ky"),
    public("GET", "/dang-nhap"),
    public("POST", "/dang-nhap"),
    public("POST", "/dang-xuat"),
    public("GET", "/tai-khoan/xac-minh"),
    public("POST", "/tai-khoan/xac-minh"),
    public("GET", "/quen-mat-khau"),
    public("POST", "/quen-mat-khau"),
    public("GET", "/tai-khoan/dat-lai-mat-khau"),
    public("POST", "/tai-khoan/dat-lai-mat-khau"),
    applicant("POST", "/tai-khoan/gui-lai-xac-minh"),
    // Tracking.
    public("GET", "/tra-cuu"),
    public("POST", "/tra-cuu"),
    // Applying.
    applicant("POST", "/thu-tuc/{code}/nop"),
    applicant("GET", "/nop-ho-so/{id}"),
    applicant("POST", "/nop-ho-so/{id}"),
    applicant("POST", "/nop-ho-so/{id}/tep"),
    applicant("POST", "/nop-ho-so/{id}/tep/{index}/xoa"),
    applicant("POST", "/nop-ho-so/{id}/nop"),
    applicant("POST", "/nop-ho-so/{id}/xoa"),
    applicant("POST", "/nop-ho-so/{id}/huy-hen"),
    // The applicant's dossiers.
    applicant("GET", "/ho-so"),
    applicant("GET", "/ho-so/{id}"),
    applicant("GET", "/ho-so/{id}/bien-nhan"),
    applicant("GET", "/ho-so/{id}/tep/{attachment}"),
    applicant("GET", "/ho-so/{id}/mau/{form}"),
    applicant("GET", "/ho-so/{id}/mau/{form}/pdf"),
    applicant("POST", "/ho-so/{id}/bo-sung"),
    applicant("POST", "/ho-so/{id}/sua-doi"),
    applicant("POST", "/ho-so/{id}/rut"),
    applicant("POST", "/ho-so/{id}/danh-gia"),
    // Fees paid online. The gateway's notice and the sandbox gateway are
    // public: the signature, not a session, vouches for them.
    applicant("POST", "/ho-so/{id}/nop-phi"),
    applicant("POST", "/thanh-toan"),
    applicant("GET", "/thanh-toan/{checkout}"),
    applicant("GET", "/thanh-toan/ket-qua"),
    applicant("POST", "/thanh-toan/giao-dich/{reference}"),
    account("GET", "/thanh-toan/giao-dich/{reference}/bien-lai"),
    account("GET", "/thanh-toan/giao-dich/{reference}/bien-lai/pdf"),
    public("GET", "/thanh-toan/vnpay/ipn"),
    public("GET", "/thanh-toan/thu-nghiem"),
    public("POST", "/thanh-toan/thu-nghiem"),
    // The back office.
    official("GET", "/can-bo"),
    official("GET", "/can-bo/tiep-nhan"),
    official("POST", "/can-bo/hang-loat"),
    official("GET", "/quan-tri/can-bo"),
    official("POST", "/quan-tri/can-bo"),
    official("POST", "/quan-tri/can-bo/{user}/vai-tro"),
    official("POST", "/quan-tri/can-bo/{user}/khoa"),
    official("POST", "/quan-tri/co-quan/gio-lam-viec"),
    official("POST", "/quan-tri/co-quan/ten"),
    official("POST", "/quan-tri/co-quan/sap-nhap"),
    official("POST", "/quan-tri/co-quan/phuc-vu"),
    official("POST", "/can-bo/tiep-nhan"),
    official("GET", "/can-bo/ho-so/{id}"),
    official("GET", "/can-bo/ho-so/{id}/tep/{attachment}"),
    official("GET", "/can-bo/so-theo-doi"),
    official("GET", "/can-bo/ho-so/{id}/mau/{form}"),
    official("GET", "/can-bo/ho-so/{id}/mau/{form}/pdf"),
    official("POST", "/can-bo/ho-so/{id}/{action}"),
    // The public post's leg: postal workers and the officers they hand
    // papers and results to (what each may do is decided by their roles).
    official("GET", "/can-bo/buu-dien"),
    official("POST", "/can-bo/buu-dien/{id}/nhan"),
    official("POST", "/can-bo/buu-dien/{id}/phat"),
    official("POST", "/can-bo/buu-dien/{id}/tra-lai"),
    official("GET", "/can-bo/buu-dien/{id}/phieu"),
    official("POST", "/can-bo/bien-ban"),
    official("GET", "/can-bo/bien-ban/{id}"),
    official("POST", "/can-bo/bien-ban/{id}/xac-nhan"),
    official("POST", "/can-bo/bien-ban/{id}/huy"),
    // JSON API. `Applicant` rows take only `Authorization: Bearer` (the
    // handlers' `api::ApiApplicant` refuses the session cookie with 401).
    public("POST", "/api/accounts"),
    public("POST", "/api/accounts/email-verification"),
    public("POST", "/api/sessions"),
    applicant("DELETE", "/api/sessions/current"),
    public("POST", "/api/password-resets"),
    public("POST", "/api/password-resets/confirm"),
    public("GET", "/api/procedures"),
    public("GET", "/api/procedures/{code}"),
    public("GET", "/api/addresses/provinces"),
    public("GET", "/api/addresses/provinces/{code}/communes"),
    applicant("GET", "/api/drafts"),
    applicant("POST", "/api/drafts"),
    applicant("GET", "/api/drafts/{id}"),
    applicant("PUT", "/api/drafts/{id}"),
    applicant("DELETE", "/api/drafts/{id}"),
    applicant("POST", "/api/drafts/{id}/files"),
    applicant("DELETE", "/api/drafts/{id}/files/{index}"),
    applicant("POST", "/api/drafts/{id}/check"),
    applicant("POST", "/api/drafts/{id}/submit"),
    applicant("GET", "/api/dossiers"),
    applicant("GET", "/api/dossiers/{id}"),
    applicant("GET", "/api/dossiers/{id}/attachments/{attachment}"),
    applicant("POST", "/api/dossiers/{id}/supplement"),
    applicant("POST", "/api/dossiers/{id}/amend"),
    applicant("POST", "/api/dossiers/{id}/withdraw"),
    applicant("POST", "/api/dossiers/{id}/rating"),
    account("GET", "/api/dossiers/{id}/timeline"),
    official("GET", "/api/office/queue"),
    official("POST", "/api/office/bulk"),
    official("GET", "/api/office/dossiers/{id}"),
    official("GET", "/api/office/dossiers/{id}/attachments/{attachment}"),
    official("POST", "/api/office/dossiers/{id}/actions/{action}"),
    official("POST", "/api/office/dossiers/{id}/actions/{action}/files"),
    public("POST", "/api/track"),
    // Signed by the postal operator, not a session.
    public("POST", "/api/postal/pushes"),
    public("GET", "/api/postal/consignments"),
    public("GET", "/api/openapi.json"),
];

/// The row of `method` on the route `path`.
pub fn endpoint(method: &Method, path: &str) -> Option<&'static Endpoint> {
    ENDPOINTS
        .iter()
        .find(|e| e.path == path && e.method == method.as_str())
        .or_else(|| {
            // HEAD is answered by the GET route.
            (*method == Method::HEAD)
                .then(|| {
                    ENDPOINTS
                        .iter()
                        .find(|e| e.path == path && e.method == "GET")
                })
                .flatten()
        })
}

/// Whether a route is in the table (checked as the router is built).
pub fn is_listed(method: &str, path: &str) -> bool {
    ENDPOINTS
        .iter()
        .any(|e| e.path == path && e.method == method)
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Middleware: lets a request through only if the table allows its
/// visitor. An anonymous visitor of a page that needs an account is sent to
/// the sign-in page (and back afterwards); an API client gets 401.
pub(crate) async fn enforce(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Result<Response, WebError> {
    let Some(matched) = matched else {
        // No route matched: the fallback answers 404.
        return Ok(next.run(request).await);
    };
    let Some(row) = endpoint(request.method(), matched.as_str()) else {
        if ENDPOINTS.iter().any(|e| e.path == matched.as_str()) {
            // A method the route does not have: the router answers 405.
            return Ok(next.run(request).await);
        }
        tracing::error!(path = matched.as_str(), method = %request.method(), "route missing from the policy table");
        return Err(WebError::Forbidden);
    };
    let allowed = |kind: UserKind| match row.access {
        Access::Public => true,
        Access::Applicant => matches!(kind, UserKind::Citizen | UserKind::Business),
        Access::Official => kind == UserKind::Official,
        Access::Account => true,
    };
    match row.access {
        Access::Public => Ok(next.run(request).await),
        Access::Applicant | Access::Official | Access::Account => {
            let (mut parts, body) = request.into_parts();
            let visitor =
                <Visitor as axum::extract::FromRequestParts<AppState>>::from_request_parts(
                    &mut parts, &state,
                )
                .await?;
            match visitor.user() {
                Some(user) if allowed(user.kind) => {
                    Ok(next.run(Request::from_parts(parts, body)).await)
                }
                Some(_) => Err(WebError::Forbidden),
                None if is_api(parts.uri.path()) || parts.method != Method::GET => {
                    Err(WebError::Unauthenticated)
                }
                None => Ok(to_sign_in(
                    parts.uri.path_and_query().map_or("/", |pq| pq.as_str()),
                )),
            }
        }
    }
}

/// A redirect to the sign-in page that comes back to `here`.
pub(crate) fn to_sign_in(here: &str) -> Response {
    let target = format!("/dang-nhap?tiep={}", crate::lang::percent_encode(here));
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(&target) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

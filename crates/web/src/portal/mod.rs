//! The citizen portal's pages: find a procedure, apply online with files,
//! choose how the result comes back, track it, and the account behind it.
//! Server-rendered, working fully without JavaScript.

pub(crate) mod account;
mod address;
mod apply;
mod catalog;
pub(crate) mod dossiers;
pub(crate) mod form;
pub(crate) mod payments;
mod track;
pub(crate) mod words;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, get, post};

use crate::policy;
use crate::state::AppState;

/// The largest upload body: the largest file a catalog field may accept
/// (100 MiB, `domain::catalog`) plus the form around it. Each field's own
/// limit is checked while the file streams in.
pub const UPLOAD_BODY_LIMIT: usize = 100 * 1024 * 1024 + 64 * 1024;

/// Adds a route after checking that the policy table has it (so a route
/// can never be added without saying who may call it).
pub(crate) fn add(
    router: Router<AppState>,
    method: &'static str,
    path: &'static str,
    handler: MethodRouter<AppState>,
) -> Router<AppState> {
    debug_assert!(
        policy::is_listed(method, path),
        "{method} {path} is missing from policy::ENDPOINTS"
    );
    if !policy::is_listed(method, path) {
        tracing::error!(
            method,
            path,
            "route left out: it is missing from the policy table"
        );
        return router;
    }
    router.route(path, handler)
}

/// The portal's routes.
pub(crate) fn routes(router: Router<AppState>) -> Router<AppState> {
    let uploads = DefaultBodyLimit::max(UPLOAD_BODY_LIMIT);
    let r = router;
    let r = add(r, "GET", "/thu-tuc", get(catalog::search));
    let r = add(r, "GET", "/dia-chi/xa", get(address::communes));
    let r = add(r, "GET", "/thu-tuc/{code}", get(catalog::procedure));
    let r = add(r, "POST", "/thu-tuc/{code}/nop", post(apply::start));
    let r = add(r, "GET", "/dang-ky", get(account::register_form));
    let r = add(r, "POST", "/dang-ky", post(account::register));
    let r = add(r, "GET", "/dang-nhap", get(account::sign_in_form));
    let r = add(r, "POST", "/dang-nhap", post(account::sign_in));
    let r = add(r, "POST", "/dang-xuat", post(account::sign_out));
    let r = add(r, "GET", "/tai-khoan/xac-minh", get(account::verify_form));
    let r = add(r, "POST", "/tai-khoan/xac-minh", post(account::verify));
    let r = add(
        r,
        "POST",
        "/tai-khoan/gui-lai-xac-minh",
        post(account::resend_verification),
    );
    let r = add(r, "GET", "/quen-mat-khau", get(account::forgot_form));
    let r = add(r, "POST", "/quen-mat-khau", post(account::forgot));
    let r = add(
        r,
        "GET",
        "/tai-khoan/dat-lai-mat-khau",
        get(account::reset_form),
    );
    let r = add(
        r,
        "POST",
        "/tai-khoan/dat-lai-mat-khau",
        post(account::reset),
    );
    let r = add(r, "GET", "/tra-cuu", get(track::form));
    let r = add(r, "POST", "/tra-cuu", post(track::submit));
    let r = add(r, "GET", "/nop-ho-so/{id}", get(apply::page));
    let r = add(r, "POST", "/nop-ho-so/{id}", post(apply::save));
    let r = add(
        r,
        "POST",
        "/nop-ho-so/{id}/tep",
        post(apply::upload).layer(uploads),
    );
    let r = add(
        r,
        "POST",
        "/nop-ho-so/{id}/tep/{index}/xoa",
        post(apply::remove_file),
    );
    let r = add(r, "POST", "/nop-ho-so/{id}/nop", post(apply::submit));
    let r = add(r, "POST", "/nop-ho-so/{id}/xoa", post(apply::discard));
    let r = add(
        r,
        "POST",
        "/nop-ho-so/{id}/huy-hen",
        post(apply::cancel_pickup),
    );
    let r = add(r, "GET", "/ho-so", get(dossiers::list));
    let r = add(r, "GET", "/ho-so/{id}", get(dossiers::show));
    let r = add(r, "GET", "/ho-so/{id}/bien-nhan", get(dossiers::receipt));
    let r = add(
        r,
        "GET",
        "/ho-so/{id}/tep/{attachment}",
        get(dossiers::download),
    );
    let r = add(
        r,
        "GET",
        "/ho-so/{id}/mau/{form}",
        get(crate::printouts::applicant_print),
    );
    let r = add(
        r,
        "GET",
        "/ho-so/{id}/mau/{form}/pdf",
        get(crate::printouts::applicant_pdf),
    );
    let r = add(
        r,
        "POST",
        "/ho-so/{id}/bo-sung",
        post(dossiers::supplement).layer(uploads),
    );
    let r = add(
        r,
        "POST",
        "/ho-so/{id}/sua-doi",
        post(dossiers::amend).layer(uploads),
    );
    let r = add(r, "POST", "/ho-so/{id}/rut", post(dossiers::withdraw));
    let r = add(r, "POST", "/ho-so/{id}/nop-phi", post(payments::start_one));
    let r = add(r, "POST", "/thanh-toan", post(payments::start));
    let r = add(r, "GET", "/thanh-toan/{checkout}", get(payments::show));
    let r = add(r, "GET", "/thanh-toan/ket-qua", get(payments::returned));
    let r = add(r, "GET", "/thanh-toan/vnpay/ipn", get(payments::ipn));
    let r = add(
        r,
        "GET",
        "/thanh-toan/thu-nghiem",
        get(payments::sandbox_page),
    );
    let r = add(
        r,
        "POST",
        "/thanh-toan/thu-nghiem",
        post(payments::sandbox_pay),
    );
    let r = add(
        r,
        "POST",
        "/thanh-toan/giao-dich/{reference}",
        post(payments::go_pay),
    );
    let r = add(
        r,
        "GET",
        "/thanh-toan/giao-dich/{reference}/bien-lai",
        get(payments::receipt),
    );
    let r = add(
        r,
        "GET",
        "/thanh-toan/giao-dich/{reference}/bien-lai/pdf",
        get(payments::receipt_pdf),
    );
    add(r, "POST", "/ho-so/{id}/danh-gia", post(dossiers::rate))
}

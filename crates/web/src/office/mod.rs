//! The back office's pages: an official's queue and a dossier with the
//! actions their roles allow now. Server-rendered like the portal, in its
//! look, and working without JavaScript.

pub(crate) mod actions;
mod bulk;
pub(crate) mod dossier;
mod inbox;
mod intake;
pub(crate) mod post;
mod records;
mod staff;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::portal::add;
use crate::state::AppState;

/// The largest body of an action: the scans or the signed result.
pub const ACTION_BODY_LIMIT: usize = actions::MAX_FILE_BYTES as usize * 4 + 64 * 1024;

pub(crate) fn routes(router: Router<AppState>) -> Router<AppState> {
    let r = add(router, "GET", "/can-bo", get(inbox::page));
    let r = add(r, "GET", "/can-bo/tiep-nhan", get(intake::form));
    let r = add(r, "POST", "/can-bo/hang-loat", post(bulk::run));
    let r = add(r, "GET", "/quan-tri/can-bo", get(staff::page));
    let r = add(r, "POST", "/quan-tri/can-bo", post(staff::add));
    let r = add(
        r,
        "POST",
        "/quan-tri/can-bo/{user}/vai-tro",
        post(staff::set_roles),
    );
    let r = add(
        r,
        "POST",
        "/quan-tri/can-bo/{user}/khoa",
        post(staff::set_locked),
    );
    let r = add(
        r,
        "POST",
        "/quan-tri/co-quan/gio-lam-viec",
        post(staff::set_office_hours),
    );
    let r = add(r, "POST", "/quan-tri/co-quan/ten", post(staff::rename));
    let r = add(r, "POST", "/quan-tri/co-quan/sap-nhap", post(staff::merge));
    let r = add(r, "POST", "/quan-tri/co-quan/phuc-vu", post(staff::serve));
    let r = add(
        r,
        "POST",
        "/can-bo/tiep-nhan",
        post(intake::submit).layer(DefaultBodyLimit::max(ACTION_BODY_LIMIT)),
    );
    let r = add(r, "GET", "/can-bo/ho-so/{id}", get(dossier::show));
    let r = add(r, "GET", "/can-bo/buu-dien", get(post::show));
    let r = add(r, "POST", "/can-bo/buu-dien/{id}/nhan", post(post::pick_up));
    let r = add(r, "POST", "/can-bo/buu-dien/{id}/phat", post(post::report));
    let r = add(
        r,
        "POST",
        "/can-bo/buu-dien/{id}/tra-lai",
        post(post::give_back),
    );
    let r = add(r, "GET", "/can-bo/buu-dien/{id}/phieu", get(records::slip));
    let r = add(r, "POST", "/can-bo/bien-ban", post(post::draft));
    let r = add(r, "GET", "/can-bo/bien-ban/{id}", get(records::show));
    let r = add(
        r,
        "POST",
        "/can-bo/bien-ban/{id}/xac-nhan",
        post(records::confirm),
    );
    let r = add(
        r,
        "POST",
        "/can-bo/bien-ban/{id}/huy",
        post(records::discard),
    );
    let r = add(
        r,
        "GET",
        "/can-bo/so-theo-doi",
        get(crate::printouts::logbook),
    );
    let r = add(
        r,
        "GET",
        "/can-bo/ho-so/{id}/tep/{attachment}",
        get(dossier::download),
    );
    let r = add(
        r,
        "GET",
        "/can-bo/ho-so/{id}/mau/{form}",
        get(crate::printouts::official_print),
    );
    let r = add(
        r,
        "GET",
        "/can-bo/ho-so/{id}/mau/{form}/pdf",
        get(crate::printouts::official_pdf),
    );
    add(
        r,
        "POST",
        "/can-bo/ho-so/{id}/{action}",
        post(dossier::act).layer(DefaultBodyLimit::max(ACTION_BODY_LIMIT)),
    )
}

//! `POST /can-bo/hang-loat`: the dossiers ticked in the queue, accepted or
//! taken up together; the page after says what happened to each.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use motcua_app::office::bulk::{self, BulkAction};
use motcua_store::DossierId;

use crate::csrf::Posted;
use crate::error::WebError;
use crate::page::{PageCtx, render};
use crate::state::AppState;
use crate::visitor::OfficialVisitor;

pub(crate) struct Row {
    code: String,
    /// The dossier's id when it is there to open.
    link: Option<String>,
    done: bool,
    text: String,
}

#[derive(Template)]
#[template(path = "office/bulk_done.html")]
struct BulkPage {
    ctx: PageCtx,
    summary: String,
    rows: Vec<Row>,
}

pub(crate) async fn run(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let action = form
        .iter()
        .find(|(k, _)| k == "action")
        .and_then(|(_, v)| BulkAction::from_key(v))
        .ok_or_else(|| WebError::BadRequest {
            reason: "`action` must be accept or take-up".into(),
        })?;
    let ids: Vec<DossierId> = form
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    if ids.is_empty() {
        // Nothing ticked: said as such, not as "0 done".
        let summary = lang.tr("bulk-none");
        let page = BulkPage {
            ctx,
            summary,
            rows: Vec::new(),
        };
        return render(lang, StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let results = bulk::bulk(svc, &who.official, &ids, action, Utc::now()).await;
    let done = results.iter().filter(|r| r.outcome.is_ok()).count();
    let rows = results
        .into_iter()
        .map(|r| match r.outcome {
            Ok(dossier) => Row {
                code: dossier.code.as_str().to_owned(),
                link: Some(dossier.id.to_string()),
                done: true,
                text: match (action, dossier.state.clock.due) {
                    (BulkAction::Accept, Some(due)) => {
                        ctx.t1("bulk-accepted", "due", ctx.instant(&due))
                    }
                    _ => ctx.t("bulk-taken-up"),
                },
            },
            Err(e) => Row {
                link: r.code.as_ref().map(|_| r.id.to_string()),
                code: r.code.unwrap_or_else(|| "—".into()),
                done: false,
                text: lang.describe(&e),
            },
        })
        .collect::<Vec<_>>();
    let summary = lang.tr_args(
        "bulk-summary",
        &[
            ("done", motcua_i18n::Arg::from(done)),
            ("failed", motcua_i18n::Arg::from(rows.len() - done)),
        ],
    );
    let page = BulkPage { ctx, summary, rows };
    render(lang, StatusCode::OK, &page)
}

//! `/can-bo/buu-dien`: the post's work on one page. A postal worker sees
//! the papers to collect (and records each collection), those collected
//! (and lists them on a hand-over record for their agency), the results
//! out for delivery (and records each attempt, delivery or return). A
//! reception officer sees the records of papers the post brought; a return
//! officer, the results waiting to go by post (and lists them on a
//! record). Each record opens on its own page ([`super::records`]).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use motcua_app::AppError;
use motcua_app::postal::board::{self, Board, Item};
use motcua_app::postal::delivery::{self, Outcome};
use motcua_app::postal::{handover, pickup};
use motcua_store::{AgencyId, ConsignmentId, DossierId};

use crate::csrf::Posted;
use crate::error::WebError;
use crate::page::{PageCtx, render};
use crate::portal::account::see_other;
use crate::portal::form::Errors;
use crate::portal::words::vnd;
use crate::state::AppState;
use crate::visitor::OfficialVisitor;

const HERE: &str = "/can-bo/buu-dien";

/// A consignment as a row of the page.
pub(crate) struct Row {
    id: String,
    label: String,
    applicant: String,
    phone: String,
    agency: String,
    address: String,
    window: String,
    postage: String,
    /// The quoted postage as a number, to start the collected amount.
    postage_number: u64,
    waybill: String,
    status: String,
    attempts: usize,
}

/// A record as a row.
pub(crate) struct RecordRow {
    id: String,
    number: String,
    leg: String,
    agency: String,
    count: usize,
    drafted: String,
}

/// A result ready to go by post.
pub(crate) struct ResultRow {
    id: String,
    code: String,
    applicant: String,
}

#[derive(Template)]
#[template(path = "office/post.html")]
struct PostPage {
    ctx: PageCtx,
    involved: bool,
    postal_worker: bool,
    to_collect: Vec<Row>,
    /// Collected, by agency: (agency id, name, rows).
    collected: Vec<(String, String, Vec<Row>)>,
    out_for_delivery: Vec<Row>,
    records: Vec<RecordRow>,
    /// Results ready to go by post, by agency: (name, rows).
    results: Vec<(String, Vec<ResultRow>)>,
    /// The form that failed, with its problems.
    failed: Option<(String, Errors)>,
}

fn row(ctx: &PageCtx, item: &Item, names: &BTreeMap<AgencyId, String>) -> Row {
    let c = &item.consignment;
    let units = motcua_domain::address::Units::bundled().ok();
    Row {
        id: c.id.to_string(),
        label: item.label.clone(),
        applicant: item.applicant.clone(),
        phone: item.phone.clone().unwrap_or_default(),
        agency: names.get(&item.agency).cloned().unwrap_or_default(),
        address: units
            .and_then(|u| c.address.display(u).ok())
            .unwrap_or_default(),
        window: c
            .window
            .map(|w| format!("{} – {}", ctx.instant(&w.from), ctx.instant(&w.to)))
            .unwrap_or_default(),
        postage: vnd(c.postage_vnd),
        postage_number: c.postage_vnd,
        waybill: c.state.waybill.clone().unwrap_or_default(),
        status: ctx.t(&format!("consignment-status-{}", c.state.status.key())),
        attempts: c.state.failed_attempts.len(),
    }
}

async fn page(
    svc: &motcua_app::Services,
    ctx: PageCtx,
    who: &OfficialVisitor,
    failed: Option<(String, Errors)>,
) -> Result<PostPage, WebError> {
    let b: Board = board::board(svc, &who.official).await?;
    let names = board::agency_names(svc).await?;
    let name = |id: &AgencyId| names.get(id).cloned().unwrap_or_default();
    let mut collected: Vec<(String, String, Vec<Row>)> = Vec::new();
    for item in b.collected.iter().filter(|i| !i.listed) {
        let key = item.agency.to_string();
        let r = row(&ctx, item, &names);
        match collected.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, rows)) => rows.push(r),
            None => collected.push((key, name(&item.agency), vec![r])),
        }
    }
    let mut results: Vec<(String, Vec<ResultRow>)> = Vec::new();
    for d in &b.results_for_post {
        let agency = name(&d.receiving_unit);
        let r = ResultRow {
            id: d.id.to_string(),
            code: d.code.as_str().to_owned(),
            applicant: d.applicant.name.clone(),
        };
        match results.iter_mut().find(|(a, _)| *a == agency) {
            Some((_, rows)) => rows.push(r),
            None => results.push((agency, vec![r])),
        }
    }
    Ok(PostPage {
        involved: b.involved(),
        postal_worker: !b.seats.is_empty(),
        to_collect: b.to_collect.iter().map(|i| row(&ctx, i, &names)).collect(),
        out_for_delivery: b
            .out_for_delivery
            .iter()
            .map(|i| row(&ctx, i, &names))
            .collect(),
        records: b
            .open_records
            .iter()
            .map(|r| RecordRow {
                id: r.id.to_string(),
                number: r.number.to_string(),
                leg: ctx.t(&format!("handover-leg-{}", r.leg.key())),
                agency: name(&r.agency),
                count: r.consignments.len(),
                drafted: ctx.instant(&r.drafted_at),
            })
            .collect(),
        collected,
        results,
        failed,
        ctx,
    })
}

pub(crate) async fn show(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let page = page(svc, ctx, &who, None).await?;
    render(lang, StatusCode::OK, &page)
}

/// The page again with the problems of `form`, or the error itself when
/// it is not the kind a form shows.
async fn again(
    svc: &motcua_app::Services,
    ctx: PageCtx,
    who: &OfficialVisitor,
    form: String,
    e: AppError,
) -> Result<Response, WebError> {
    let lang = ctx.lang();
    let errors = match e {
        AppError::Invalid(problems) => Errors::from_problems(lang, &problems),
        e if e.is_refusal() && !matches!(e, AppError::NotFound(_)) => {
            Errors::general(lang.describe(&e))
        }
        e => return Err(e.into()),
    };
    let page = page(svc, ctx, who, Some((form, errors))).await?;
    render(lang, StatusCode::UNPROCESSABLE_ENTITY, &page)
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// An amount of money typed in đồng (`26.000`, `26000`).
fn amount(form: &[(String, String)], name: &str) -> Result<u64, AppError> {
    let text: String = field(form, name)
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    if text.is_empty() {
        return Ok(0);
    }
    text.parse()
        .map_err(|_| AppError::field(name, motcua_domain::forms::Problem::NotANumber))
}

fn consignment_id(id: &str) -> Result<ConsignmentId, WebError> {
    id.parse().map_err(|_| WebError::NotFound)
}

/// `POST /can-bo/buu-dien/{id}/nhan`: the papers collected.
pub(crate) async fn pick_up(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Path(id): Path<String>,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let consignment = consignment_id(&id)?;
    let result = async {
        let postage = amount(&form, "postage")?;
        let fees = amount(&form, "fees")?;
        pickup::pick_up(
            svc,
            &who.official,
            consignment,
            field(&form, "waybill"),
            postage,
            fees,
            Utc::now(),
        )
        .await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(HERE)),
        Err(e) => again(svc, ctx, &who, format!("pickup-{id}"), e).await,
    }
}

/// `POST /can-bo/buu-dien/{id}/phat`: a delivery attempt, a delivery or
/// the return to the agency.
pub(crate) async fn report(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Path(id): Path<String>,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let consignment = consignment_id(&id)?;
    let outcome = match field(&form, "outcome") {
        "failed" => Outcome::Failed {
            note: field(&form, "note").to_owned(),
        },
        "delivered" => Outcome::Delivered {
            recipient: field(&form, "recipient").to_owned(),
            identity: field(&form, "identity").to_owned(),
        },
        "returned" => Outcome::Returned,
        _ => {
            return Err(WebError::BadRequest {
                reason: "`outcome` must be failed, delivered or returned".into(),
            });
        }
    };
    match delivery::report(svc, &who.official, consignment, outcome, Utc::now()).await {
        Ok(_) => Ok(see_other(HERE)),
        Err(e) => again(svc, ctx, &who, format!("report-{id}"), e).await,
    }
}

/// `POST /can-bo/bien-ban`: a hand-over record drafted — by a postal
/// worker, of the papers ticked for one agency; by a return officer, of
/// the results ticked.
pub(crate) async fn draft(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let ticked = |name: &str| -> Vec<String> {
        form.iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let now = Utc::now();
    let (key, result) = match field(&form, "leg") {
        "pickup" => {
            let agency: AgencyId = field(&form, "agency")
                .parse()
                .map_err(|_| WebError::NotFound)?;
            let ids: Vec<ConsignmentId> = ticked("ids")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect();
            (
                format!("collected-{agency}"),
                handover::draft_pickup(svc, &who.official, agency, &ids, now).await,
            )
        }
        "delivery" => {
            let ids: Vec<DossierId> = ticked("ids")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect();
            // The results of one agency go on one record: the first's.
            let agency = match ids.first() {
                Some(id) => svc
                    .store
                    .dossier(*id)
                    .await
                    .map_err(AppError::from)?
                    .map(|d| d.receiving_unit),
                None => None,
            };
            let result = match agency {
                Some(agency) => {
                    handover::draft_delivery(svc, &who.official, agency, &ids, now).await
                }
                None => Err(AppError::field(
                    "ids",
                    motcua_domain::forms::Problem::Required,
                )),
            };
            ("results".to_owned(), result)
        }
        _ => {
            return Err(WebError::BadRequest {
                reason: "`leg` must be pickup or delivery".into(),
            });
        }
    };
    match result {
        Ok(record) => Ok(see_other(&format!("/can-bo/bien-ban/{}", record.id))),
        Err(e) => again(svc, ctx, &who, key, e).await,
    }
}

/// A moment of the post's part of a dossier, worded for its pages.
pub(crate) struct PostLine {
    pub(crate) at: String,
    pub(crate) what: String,
    pub(crate) detail: Option<String>,
}

/// The post's part of dossier (or draft) `id`, for the applicant's and the
/// office's dossier pages.
pub(crate) async fn post_lines(
    svc: &motcua_app::Services,
    ctx: &PageCtx,
    id: DossierId,
) -> Result<Vec<PostLine>, WebError> {
    Ok(motcua_app::postal::legs::events_of(svc, id)
        .await?
        .into_iter()
        .map(|e| {
            let key = match e.what {
                "booked" | "awaiting-post" => format!("consignment-status-{}", e.what),
                step => format!("consignment-step-{step}"),
            };
            PostLine {
                at: ctx.instant(&e.at),
                what: ctx.t1(&format!("post-line-{}", e.leg.key()), "what", ctx.t(&key)),
                detail: e.detail,
            }
        })
        .collect())
}

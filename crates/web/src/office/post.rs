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
use motcua_app::postal::{PostalProblem, handover, pickup};
use motcua_domain::forms::FieldProblem;
use motcua_domain::postal::consignment::ConsignmentError;
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
    postage_number: String,
    waybill: String,
    status: String,
    attempts: usize,
    /// The failed attempts allow taking the result back (two, two working
    /// days apart).
    may_return: bool,
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
    /// Results ready to go by post, by agency: (id, name, rows).
    results: Vec<(String, String, Vec<ResultRow>)>,
    /// The problems of the form that failed, each at its input.
    errors: Errors,
    /// What was typed in it, by input id (`waybill-<consignment>`).
    typed: BTreeMap<String, String>,
}

impl PostPage {
    /// What was typed in input `id` when its form failed, else `default`.
    fn value<'a>(&'a self, id: &str, default: &'a str) -> &'a str {
        self.typed.get(id).map(String::as_str).unwrap_or(default)
    }
}

/// When the applicant asked the post to come, as the pages write it.
pub(crate) fn window_text(ctx: &PageCtx, c: &motcua_store::ConsignmentRecord) -> String {
    c.window
        .map(|w| format!("{} – {}", ctx.instant(&w.from), ctx.instant(&w.to)))
        .unwrap_or_default()
}

fn row(
    ctx: &PageCtx,
    item: &Item,
    names: &BTreeMap<AgencyId, String>,
    calendar: &motcua_domain::calendar::WorkCalendar,
) -> Row {
    let c = &item.consignment;
    Row {
        id: c.id.to_string(),
        label: item.label.clone(),
        applicant: item.applicant.clone(),
        phone: item.phone.clone().unwrap_or_default(),
        agency: names.get(&item.agency).cloned().unwrap_or_default(),
        address: board::address_text(c),
        window: window_text(ctx, c),
        postage: vnd(c.postage_vnd),
        postage_number: c.postage_vnd.to_string(),
        waybill: c.state.waybill.clone().unwrap_or_default(),
        status: ctx.t(&format!("consignment-status-{}", c.state.status.key())),
        attempts: c.state.failed_attempts.len(),
        may_return: c.state.failed_attempts.len()
            >= motcua_domain::postal::consignment::ATTEMPTS_BEFORE_RETURN
            && matches!(c.state.next_attempt_from(calendar), Ok(None)),
    }
}

async fn page(
    svc: &motcua_app::Services,
    ctx: PageCtx,
    who: &OfficialVisitor,
    errors: Errors,
    typed: BTreeMap<String, String>,
) -> Result<PostPage, WebError> {
    let b: Board = board::board(svc, &who.official).await?;
    let names = board::agency_names(svc).await?;
    let calendar = motcua_app::apply::work_calendar(svc).await?;
    let name = |id: &AgencyId| names.get(id).cloned().unwrap_or_default();
    let mut collected: Vec<(String, String, Vec<Row>)> = Vec::new();
    for item in b.collected.iter().filter(|i| !i.listed) {
        let key = item.agency.to_string();
        let r = row(&ctx, item, &names, &calendar);
        match collected.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, rows)) => rows.push(r),
            None => collected.push((key, name(&item.agency), vec![r])),
        }
    }
    let mut results: Vec<(String, String, Vec<ResultRow>)> = Vec::new();
    for d in &b.results_for_post {
        let key = d.receiving_unit.to_string();
        let r = ResultRow {
            id: d.id.to_string(),
            code: d.code.as_str().to_owned(),
            applicant: d.applicant.name.clone(),
        };
        match results.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, rows)) => rows.push(r),
            None => results.push((key, name(&d.receiving_unit), vec![r])),
        }
    }
    Ok(PostPage {
        involved: b.involved(),
        postal_worker: !b.seats.is_empty(),
        to_collect: b
            .to_collect
            .iter()
            .map(|i| row(&ctx, i, &names, &calendar))
            .collect(),
        out_for_delivery: b
            .out_for_delivery
            .iter()
            .map(|i| row(&ctx, i, &names, &calendar))
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
        errors,
        typed,
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
    let page = page(svc, ctx, &who, Errors::none(), BTreeMap::new()).await?;
    render(lang, StatusCode::OK, &page)
}

/// The page again with the problems of the form of row `row` (a
/// consignment's id; none for a record drafted from ticked rows), each at
/// its input and with what was typed there, or the error itself when it is
/// not the kind a form shows.
async fn again(
    svc: &motcua_app::Services,
    ctx: PageCtx,
    who: &OfficialVisitor,
    row: Option<&str>,
    form: &[(String, String)],
    e: AppError,
) -> Result<Response, WebError> {
    let lang = ctx.lang();
    // The app names an input by its own name; the page's carry the row.
    let input = |name: &str| -> String {
        let name = match name {
            "recipient_name" => "recipient",
            "recipient_identity" => "identity",
            other => other,
        };
        match row {
            Some(row) => format!("{name}-{row}"),
            None => name.to_owned(),
        }
    };
    let errors = match e {
        AppError::Invalid(problems) if row.is_some() => {
            let placed: Vec<FieldProblem> = problems
                .into_iter()
                .map(|p| FieldProblem {
                    field: input(&p.field),
                    problem: p.problem,
                })
                .collect();
            Errors::from_problems(lang, &placed)
        }
        AppError::Invalid(problems) => Errors::general(
            problems
                .iter()
                .map(|p| lang.describe(p))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        // A rule about one input is said at it.
        AppError::Postal(ref p) if row.is_some() && at_input(p).is_some() => {
            Errors::at(input(at_input(p).unwrap_or_default()), lang.describe(&e))
        }
        e if e.is_refusal() && !matches!(e, AppError::NotFound(_)) => {
            Errors::general(lang.describe(&e))
        }
        e => return Err(e.into()),
    };
    let typed = match row {
        Some(_) => form
            .iter()
            .filter(|(k, _)| k != crate::csrf::FIELD && k != "outcome")
            .map(|(k, v)| (input(k), v.clone()))
            .collect(),
        None => BTreeMap::new(),
    };
    let page = page(svc, ctx, who, errors, typed).await?;
    render(lang, StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// The input a postal refusal is about, when it is about one.
fn at_input(problem: &PostalProblem) -> Option<&'static str> {
    match problem {
        PostalProblem::Rule(ConsignmentError::Waybill { .. })
        | PostalProblem::WaybillTaken { .. } => Some("waybill"),
        PostalProblem::Rule(ConsignmentError::Missing { field }) => Some(field),
        _ => None,
    }
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
        Err(e) => again(svc, ctx, &who, Some(&id), &form, e).await,
    }
}

/// `POST /can-bo/buu-dien/{id}/tra-lai`: collected papers given back to
/// the applicant, and why.
pub(crate) async fn give_back(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Path(id): Path<String>,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let consignment = consignment_id(&id)?;
    let reason = field(&form, "reason");
    match pickup::give_back(svc, &who.official, consignment, reason, Utc::now()).await {
        Ok(_) => Ok(see_other(HERE)),
        Err(e) => again(svc, ctx, &who, Some(&id), &form, e).await,
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
        Err(e) => again(svc, ctx, &who, Some(&id), &form, e).await,
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
    let agency: AgencyId = field(&form, "agency")
        .parse()
        .map_err(|_| WebError::BadRequest {
            reason: "`agency` must be an agency's id".into(),
        })?;
    let result = match field(&form, "leg") {
        "pickup" => {
            let ids: Vec<ConsignmentId> = ticked("ids")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect();
            handover::draft_pickup(svc, &who.official, agency, &ids, now).await
        }
        "delivery" => {
            let ids: Vec<DossierId> = ticked("ids")
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect();
            handover::draft_delivery(svc, &who.official, agency, &ids, now).await
        }
        _ => {
            return Err(WebError::BadRequest {
                reason: "`leg` must be pickup or delivery".into(),
            });
        }
    };
    match result {
        Ok(record) => Ok(see_other(&format!("/can-bo/bien-ban/{}", record.id))),
        Err(e) => again(svc, ctx, &who, None, &form, e).await,
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

//! `/can-bo/bien-ban/{id}`: a hand-over record (*biên bản giao nhận*) as
//! both sides read and print it — the dossiers or results with each slip's
//! waybill, the postage and fees that change hands — with the confirming
//! side's form (and, for results, a waybill input per result) and the
//! drafting side's discard button while it is unconfirmed. Also the
//! consignment slip (*phiếu gửi*) a postal worker prints for a pickup.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use motcua_app::AppError;
use motcua_app::postal::board::{self, item_of};
use motcua_app::postal::{handover, pickup};
use motcua_domain::postal::consignment::{Leg, Status};
use motcua_store::{ConsignmentId, Handover, HandoverId};

use super::dossier::name_of;
use crate::csrf::Posted;
use crate::error::WebError;
use crate::page::{PageCtx, render};
use crate::portal::account::see_other;
use crate::portal::form::Errors;
use crate::portal::words::vnd;
use crate::state::AppState;
use crate::visitor::OfficialVisitor;

pub(crate) struct Line {
    id: String,
    label: String,
    applicant: String,
    waybill: String,
    postage: String,
    fees: String,
    status: String,
    /// Waiting for its waybill on the confirming form.
    needs_waybill: bool,
}

#[derive(Template)]
#[template(path = "office/record.html")]
struct RecordPage {
    ctx: PageCtx,
    id: String,
    title: String,
    number: String,
    post_office: String,
    agency: String,
    drafted: String,
    confirmed: Option<String>,
    lines: Vec<Line>,
    postage_total: String,
    fees_total: String,
    pickup: bool,
    may_confirm: bool,
    may_discard: bool,
    errors: Errors,
    typed: BTreeMap<String, String>,
}

impl RecordPage {
    fn typed_value(&self, input: &str) -> &str {
        self.typed.get(input).map(String::as_str).unwrap_or("")
    }
}

fn record_id(id: &str) -> Result<HandoverId, WebError> {
    id.parse().map_err(|_| WebError::NotFound)
}

async fn record_page(
    svc: &motcua_app::Services,
    ctx: PageCtx,
    who: &OfficialVisitor,
    record: Handover,
    errors: Errors,
    typed: BTreeMap<String, String>,
) -> Result<RecordPage, WebError> {
    let names = board::agency_names(svc).await?;
    let name = |id| names.get(&id).cloned().unwrap_or_default();
    let money = handover::reconcile(svc, &record).await?;
    let mut lines = Vec::with_capacity(money.lines.len());
    for l in &money.lines {
        let Some(c) = svc
            .store
            .consignment(l.consignment)
            .await
            .map_err(AppError::from)?
        else {
            continue;
        };
        let needs_waybill = record.leg == Leg::Delivery && c.state.status == Status::AwaitingPost;
        let status = ctx.t(&format!("consignment-status-{}", c.state.status.key()));
        let item = item_of(svc, c).await?;
        lines.push(Line {
            id: l.consignment.to_string(),
            label: item.label,
            applicant: item.applicant,
            waybill: l.waybill.clone().unwrap_or_default(),
            postage: vnd(l.postage_vnd),
            fees: vnd(l.fees_vnd),
            status,
            needs_waybill,
        });
    }
    let pickup = record.leg == Leg::Pickup;
    let unconfirmed = record.confirmed.is_none();
    let may_confirm =
        handover::confirms(&who.official, &record) && handover::unfinished(svc, &record).await?;
    let confirmed = match record.confirmed {
        Some((by, at)) => Some(format!(
            "{} — {}",
            name_of(svc, Some(by)).await?.unwrap_or_default(),
            ctx.instant(&at)
        )),
        None => None,
    };
    Ok(RecordPage {
        id: record.id.to_string(),
        title: ctx.t(&format!("handover-title-{}", record.leg.key())),
        number: record.number.to_string(),
        post_office: name(record.post_office),
        agency: name(record.agency),
        drafted: format!(
            "{} — {}",
            name_of(svc, Some(record.drafted_by))
                .await?
                .unwrap_or_default(),
            ctx.instant(&record.drafted_at)
        ),
        confirmed,
        lines,
        postage_total: vnd(money.postage_vnd),
        fees_total: vnd(money.fees_vnd),
        pickup,
        // Confirming again finishes what an interrupted confirmation left.
        may_confirm,
        may_discard: unconfirmed && record.drafted_by == who.official.user.id,
        errors,
        typed,
        ctx,
    })
}

pub(crate) async fn show(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let record = handover::read(svc, &who.official, record_id(&id)?).await?;
    let page = record_page(svc, ctx, &who, record, Errors::none(), BTreeMap::new()).await?;
    render(lang, StatusCode::OK, &page)
}

pub(crate) async fn confirm(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Path(id): Path<String>,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let id = record_id(&id)?;
    let typed: BTreeMap<String, String> = form.into_iter().collect();
    let errors = match handover::confirm(svc, &who.official, id, &typed, Utc::now()).await {
        Ok(_) => return Ok(see_other(&format!("/can-bo/bien-ban/{id}"))),
        Err(AppError::Invalid(problems)) => Errors::from_problems(lang, &problems),
        Err(e) if e.is_refusal() && !matches!(e, AppError::NotFound(_)) => {
            Errors::general(lang.describe(&e))
        }
        Err(e) => return Err(e.into()),
    };
    let record = handover::read(svc, &who.official, id).await?;
    let page = record_page(svc, ctx, &who, record, errors, typed).await?;
    render(lang, StatusCode::UNPROCESSABLE_ENTITY, &page)
}

pub(crate) async fn discard(
    State(state): State<AppState>,
    who: OfficialVisitor,
    Path(id): Path<String>,
    Posted(_form): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    handover::discard(svc, &who.official, record_id(&id)?).await?;
    Ok(see_other("/can-bo/buu-dien"))
}

// --- the consignment slip -----------------------------------------------

#[derive(Template)]
#[template(path = "office/slip.html")]
struct SlipPage {
    ctx: PageCtx,
    post_office: String,
    agency: String,
    applicant: String,
    phone: String,
    email: String,
    address: String,
    window: String,
    procedure: String,
    documents: Vec<String>,
    postage: String,
    waybill: String,
}

/// `GET /can-bo/buu-dien/{id}/phieu`: the consignment slip of a pickup,
/// with the fields of TT 17/2017 Art. 9 (sender and recipient, the
/// procedure and its documents, the price), to print and sign with the
/// applicant.
pub(crate) async fn slip(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let id: ConsignmentId = id.parse().map_err(|_| WebError::NotFound)?;
    let slip = pickup::slip(svc, &who.official, id).await?;
    let c = &slip.consignment;
    let (procedure, documents) = match &slip.procedure {
        Some(p) => (
            motcua_app::notices::procedure_name(p, lang),
            p.documents.iter().map(|d| d.name.clone()).collect(),
        ),
        None => (slip.procedure_code.clone(), Vec::new()),
    };
    let page = SlipPage {
        post_office: slip.post_office.name.clone(),
        agency: slip.agency.name.clone(),
        applicant: slip.sender.full_name.clone(),
        phone: slip.sender.phone.clone().unwrap_or_default(),
        email: slip.sender.email.clone().unwrap_or_default(),
        address: board::address_text(c),
        window: super::post::window_text(&ctx, c),
        procedure,
        documents,
        postage: vnd(c.postage_vnd),
        waybill: c.state.waybill.clone().unwrap_or_default(),
        ctx,
    };
    render(lang, StatusCode::OK, &page)
}

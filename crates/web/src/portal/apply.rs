//! Applying online: the draft page (the procedure's form rendered from its
//! field definitions, the deciding agency when the applicant chooses it,
//! how the result comes back), uploads, submission and the receipt.
//!
//! Works without JavaScript: an address is picked in two steps (the
//! province, then — after "choose" reloads the page with the draft saved —
//! its commune), and every button is a form of its own.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use motcua_app::apply::{self, inputs};
use motcua_app::postal::pickup;
use motcua_app::{AppError, Services};
use motcua_domain::address::{ProvinceCode, Units};
use motcua_domain::catalog::{Competent, FieldKind, FormField, Procedure, ServiceLevel};
use motcua_domain::forms::accepted_names;
use motcua_store::{Delivery, DossierId, Draft};
use serde::Deserialize;

use super::account::see_other;
use super::form::{Errors, input_id};
use super::words;
use crate::csrf::Posted;
use crate::error::WebError;
use crate::page::{PageCtx, render};
use crate::state::AppState;
use crate::uploads::{CsrfGate, next_part, part_reader, part_text};
use crate::visitor::Applicant;

/// A draft id from the path (an unreadable one is simply not found).
pub(crate) fn draft_id(text: &str) -> Result<DossierId, WebError> {
    text.parse().map_err(|_| WebError::NotFound)
}

/// `POST /thu-tuc/{code}/nop`: starts a draft and goes to it.
pub(crate) async fn start(
    State(state): State<AppState>,
    applicant: Applicant,
    Path(code): Path<String>,
    Posted(_): Posted<super::account::Empty>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let draft = apply::start(svc, applicant.user(), &code, Utc::now()).await?;
    Ok(see_other(&format!("/nop-ho-so/{}", draft.id)))
}

/// A choice of a select or a radio group.
pub(crate) struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// An uploaded file as listed.
pub(crate) struct FileView {
    index: usize,
    name: String,
    size: String,
}

/// One field of the form, ready to render.
pub(crate) struct FieldView {
    name: String,
    html_id: String,
    label: String,
    help: String,
    required: bool,
    kind: &'static str,
    value: String,
    choices: Vec<Choice>,
    max: u32,
    error: Option<String>,
    // Address parts.
    provinces: Vec<Choice>,
    communes: Vec<Choice>,
    detail: String,
    legacy: String,
    // File fields.
    files: Vec<FileView>,
    accept: String,
    accept_attr: String,
    max_size: String,
}

impl FieldView {
    fn part(&self, part: &str) -> String {
        format!("{}.{part}", self.name)
    }

    fn part_id(&self, part: &str) -> String {
        input_id(&self.part(part))
    }
}

fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn kind_name(kind: &FieldKind) -> (&'static str, u32) {
    match kind {
        FieldKind::Text { max } => ("text", *max),
        FieldKind::LongText { max } => ("long", *max),
        FieldKind::Number { .. } => ("number", 0),
        FieldKind::Date => ("date", 0),
        FieldKind::Choice { .. } => ("choice", 0),
        FieldKind::IdentityNumber => ("identity", 0),
        FieldKind::Phone => ("phone", 0),
        FieldKind::Email => ("email", 0),
        FieldKind::Address => ("address", 0),
        FieldKind::File { .. } => ("file", 0),
    }
}

/// The province and commune lists of an address field whose inputs start
/// with `name`.
fn address_choices(units: &Units, draft: &Draft, name: &str) -> (Vec<Choice>, Vec<Choice>) {
    let typed = |part: &str| {
        draft
            .inputs
            .get(&format!("{name}.{part}"))
            .cloned()
            .unwrap_or_default()
    };
    let commune = typed("commune");
    let mut province = typed("province");
    if province.is_empty()
        && let Ok(code) = commune.parse()
        && let Some(c) = units.commune(code)
    {
        province = c.province.to_string();
    }
    let provinces = units
        .provinces()
        .iter()
        .map(|p| Choice {
            value: p.code.to_string(),
            label: p.name.clone(),
            selected: p.code.to_string() == province,
        })
        .collect();
    let communes = match province.parse::<ProvinceCode>() {
        Ok(code) => units
            .communes_of(code)
            .into_iter()
            .map(|c| Choice {
                value: c.code.to_string(),
                label: c.name.clone(),
                selected: c.code.to_string() == commune,
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    (provinces, communes)
}

fn field_view(
    lang: motcua_i18n::Lang,
    units: &Units,
    draft: &Draft,
    field: &FormField,
    errors: &Errors,
) -> FieldView {
    let (kind, max) = kind_name(&field.kind);
    let value = draft.inputs.get(&field.id).cloned().unwrap_or_default();
    let choices = match &field.kind {
        FieldKind::Choice { options } => options
            .iter()
            .map(|o| Choice {
                value: o.clone(),
                label: o.clone(),
                selected: *o == value,
            })
            .collect(),
        _ => Vec::new(),
    };
    let (provinces, communes) = if kind == "address" {
        address_choices(units, draft, &field.id)
    } else {
        (Vec::new(), Vec::new())
    };
    let (accept, accept_attr, max_size) = match &field.kind {
        FieldKind::File {
            accept, max_bytes, ..
        } => (
            accepted_names(accept),
            accept.join(","),
            size_text(*max_bytes),
        ),
        _ => (String::new(), String::new(), String::new()),
    };
    let files = draft
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.field == field.id)
        .map(|(index, f)| FileView {
            index,
            name: f.file_name.clone(),
            size: size_text(f.size),
        })
        .collect();
    FieldView {
        name: field.id.clone(),
        html_id: input_id(&field.id),
        label: words::label(lang, field),
        help: field.help.clone().unwrap_or_default(),
        required: field.required,
        kind,
        value,
        choices,
        max,
        error: errors.get(&field.id).map(str::to_owned),
        provinces,
        communes,
        detail: draft
            .inputs
            .get(&format!("{}.detail", field.id))
            .cloned()
            .unwrap_or_default(),
        legacy: draft
            .inputs
            .get(&format!("{}.legacy", field.id))
            .cloned()
            .unwrap_or_default(),
        files,
        accept,
        accept_attr,
        max_size,
    }
}

#[derive(Template)]
#[template(path = "portal/apply.html")]
struct ApplyPage {
    ctx: PageCtx,
    id: String,
    procedure_code: String,
    procedure_name: String,
    time: String,
    errors: Errors,
    /// The deciding agency to choose, when the applicant chooses it.
    agencies: Option<Vec<Choice>>,
    agency_error: Option<String>,
    fields: Vec<FieldView>,
    file_fields: Vec<FieldView>,
    deliveries: Vec<Choice>,
    delivery_error: Option<String>,
    /// The delivery address field (shown when the post is chosen).
    delivery_address: FieldView,
    saved: bool,
    /// The procedure's fees (paid when due, from the dossier's page).
    fees: Vec<(String, String)>,
    /// What the post costs and takes, when the result goes by post.
    post: Option<PostQuote>,
    /// The procedure allows the post to collect the papers.
    by_post: bool,
    /// The applicant asked the post to collect them, on this day (as the
    /// date input writes it) in this part of the day.
    dispatch_post: bool,
    pickup_day: String,
    pickup_slot: String,
    /// The first and last day the post can be asked to come.
    pickup_min: String,
    pickup_max: String,
}

/// A leg by post, worded for the page.
struct PostLeg {
    route: String,
    days: u32,
    postage: String,
}

/// What the post costs and takes, worded for the page.
struct PostQuote {
    pickup: Option<PostLeg>,
    delivery: Option<PostLeg>,
    ready: String,
    tariff_verified: bool,
    assumed_longest: bool,
}

async fn apply_page(
    svc: &Services,
    ctx: PageCtx,
    draft: &Draft,
    procedure: &Procedure,
    errors: Errors,
    saved: bool,
) -> Result<ApplyPage, WebError> {
    let lang = ctx.lang();
    let units = Units::bundled().map_err(WebError::internal)?;
    let today = motcua_domain::calendar::to_local(Utc::now()).date();
    let agencies = match &procedure.competent {
        Competent::Level(kind) => {
            let chosen = draft
                .inputs
                .get(inputs::AGENCY)
                .cloned()
                .unwrap_or_default();
            Some(
                apply::agencies_of_kind(svc, kind)
                    .await?
                    .into_iter()
                    .map(|a| Choice {
                        selected: a.identifier.as_str() == chosen,
                        value: a.identifier.as_str().to_owned(),
                        label: a.name,
                    })
                    .collect(),
            )
        }
        Competent::Agency(_) => None,
    };
    let (fields, file_fields): (Vec<FieldView>, Vec<FieldView>) = procedure
        .form
        .iter()
        .map(|f| field_view(lang, units, draft, f, &errors))
        .partition(|v| v.kind != "file");
    let mut deliveries = vec![Delivery::Counter];
    if procedure.by_post {
        deliveries.push(Delivery::Post);
    }
    if procedure.level == ServiceLevel::Full {
        deliveries.push(Delivery::Online);
    }
    let deliveries = deliveries
        .into_iter()
        .map(|d| Choice {
            value: d.key().to_owned(),
            label: words::delivery(lang, d),
            selected: draft.delivery == Some(d),
        })
        .collect();
    let address_field = FormField {
        id: inputs::DELIVERY_ADDRESS.to_owned(),
        label: ctx.t("apply-delivery-address"),
        label_en: Some(ctx.t("apply-delivery-address")),
        kind: FieldKind::Address,
        required: true,
        help: None,
    };
    Ok(ApplyPage {
        id: draft.id.to_string(),
        procedure_code: procedure.code.clone(),
        procedure_name: words::procedure_name(lang, procedure),
        time: words::period(lang, procedure.processing_time),
        agency_error: errors.get(inputs::AGENCY).map(str::to_owned),
        delivery_error: errors.get(inputs::DELIVERY).map(str::to_owned),
        delivery_address: field_view(lang, units, draft, &address_field, &errors),
        agencies,
        fields,
        file_fields,
        deliveries,
        fees: procedure
            .fees
            .iter()
            .map(|f| (f.name.clone(), words::vnd(f.amount_vnd)))
            .collect(),
        // The quote informs; a tariff, route or calendar it cannot read
        // leaves it out rather than the page.
        post: motcua_app::postal::quote::quote(svc, draft, procedure, Utc::now())
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(draft = %draft.id, error = %e, "postal quote left out");
                None
            })
            .map(|q| {
                let leg = |l: &motcua_app::postal::quote::LegQuote| PostLeg {
                    route: lang.tr(&format!("postal-route-{}", l.route.class.key())),
                    days: l.days,
                    postage: words::vnd(l.postage.amount()),
                };
                PostQuote {
                    pickup: q.pickup.as_ref().map(leg),
                    delivery: q.delivery.as_ref().map(leg),
                    ready: ctx.date(&q.ready),
                    tariff_verified: q.tariff_verified,
                    assumed_longest: q.assumed_longest(),
                }
            }),
        by_post: procedure.by_post,
        dispatch_post: apply::sent_by_post(draft),
        pickup_day: draft
            .inputs
            .get(inputs::PICKUP_DAY)
            .cloned()
            .unwrap_or_default(),
        pickup_slot: draft
            .inputs
            .get(inputs::PICKUP_SLOT)
            .cloned()
            .unwrap_or_default(),
        pickup_min: (today + chrono::TimeDelta::days(1)).to_string(),
        pickup_max: (today + chrono::TimeDelta::days(i64::from(pickup::DAYS_AHEAD))).to_string(),
        errors,
        saved,
        ctx,
    })
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageParams {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /nop-ho-so/{id}`: the draft, as last saved.
pub(crate) async fn page(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    Path(id): Path<String>,
    crate::extract::Query(params): crate::extract::Query<PageParams>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let draft = apply::draft_of(svc, applicant.user(), draft_id(&id)?).await?;
    if svc
        .store
        .dossier(draft.id)
        .await
        .map_err(AppError::from)?
        .is_some()
    {
        return Ok(see_other(&format!("/ho-so/{}/bien-nhan", draft.id)));
    }
    let lang = ctx.lang();
    // A booked pickup is shown (and can be cancelled) whatever became of
    // the procedure since.
    if let Some(booked) = pickup::active(svc, draft.id).await? {
        let procedure = svc
            .store
            .procedure_in_force(&draft.procedure_code, apply::today(booked.created_at))
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::NotOnline)?;
        let view = pickup_page(ctx, &procedure.procedure, &booked);
        return crate::page::render(lang, StatusCode::OK, &view);
    }
    let version = apply::online_procedure(svc, &draft.procedure_code, Utc::now()).await?;
    let view = apply_page(
        svc,
        ctx,
        &draft,
        &version.procedure,
        Errors::none(),
        params.saved.is_some(),
    )
    .await?;
    crate::page::render(lang, StatusCode::OK, &view)
}

/// The draft whose papers the post is collecting.
#[derive(Template)]
#[template(path = "portal/pickup.html")]
struct PickupPage {
    ctx: PageCtx,
    id: String,
    procedure_name: String,
    status: String,
    window: String,
    address: String,
    postage: String,
    waybill: String,
    /// Not collected yet: the applicant may still cancel.
    booked: bool,
    documents: Vec<String>,
}

fn pickup_page(
    ctx: PageCtx,
    procedure: &Procedure,
    booked: &motcua_store::ConsignmentRecord,
) -> PickupPage {
    let lang = ctx.lang();
    PickupPage {
        id: booked.dossier.to_string(),
        procedure_name: words::procedure_name(lang, procedure),
        status: crate::office::actions::capitalised(
            &ctx.t(&format!("consignment-status-{}", booked.state.status.key())),
        ),
        window: crate::office::post::window_text(&ctx, booked),
        address: motcua_app::postal::board::address_text(booked),
        postage: words::vnd(booked.postage_vnd),
        waybill: booked.state.waybill.clone().unwrap_or_default(),
        booked: booked.state.status == motcua_domain::postal::consignment::Status::Booked,
        documents: procedure.documents.iter().map(|d| d.name.clone()).collect(),
        ctx,
    }
}

/// `POST /nop-ho-so/{id}/huy-hen`: the pickup cancelled before the post
/// came; the draft can be changed and sent again.
pub(crate) async fn cancel_pickup(
    State(state): State<AppState>,
    applicant: Applicant,
    Path(id): Path<String>,
    Posted(_): Posted<super::account::Empty>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let id = draft_id(&id)?;
    pickup::cancel(svc, applicant.user(), id, Utc::now()).await?;
    Ok(see_other(&format!("/nop-ho-so/{id}")))
}

/// `POST /nop-ho-so/{id}`: saves what was typed. `action=check` also
/// checks it and shows every problem; `action=choose` only reloads (after
/// a province was picked, to list its communes).
pub(crate) async fn save(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    Path(id): Path<String>,
    Posted(mut typed): Posted<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let id = draft_id(&id)?;
    typed.remove(crate::csrf::FIELD);
    let action = typed.remove("action").unwrap_or_default();
    let delivery = typed
        .remove("delivery")
        .and_then(|d| Delivery::from_key(&d));
    // Empty inputs are not kept (an empty commune must not hide a province).
    typed.retain(|_, v| !v.trim().is_empty());
    let draft = apply::save(svc, applicant.user(), id, typed, delivery, Utc::now()).await?;
    if action != "check" {
        return Ok(see_other(&format!(
            "/nop-ho-so/{id}?saved=1#{}",
            if action == "choose" { "form" } else { "files" }
        )));
    }
    let version = apply::online_procedure(svc, &draft.procedure_code, Utc::now()).await?;
    let lang = ctx.lang();
    match apply::check(svc, &draft, &version.procedure).await {
        Ok(_) => Ok(see_other(&format!("/nop-ho-so/{id}?saved=1#submit"))),
        Err(AppError::Invalid(problems)) => {
            let errors = Errors::from_problems(lang, &problems);
            let view = apply_page(svc, ctx, &draft, &version.procedure, errors, true).await?;
            render(lang, StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /nop-ho-so/{id}/tep` (multipart: `_csrf`, `field`, then the
/// file): streams the file to storage, checked against its field.
pub(crate) async fn upload(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let id = draft_id(&id)?;
    let lang = ctx.lang();
    let mut gate = CsrfGate::new(&headers);
    let mut field_id = String::new();
    let mut result = Err(AppError::field(
        "file",
        motcua_domain::forms::Problem::Required,
    ));
    while let Some(part) = next_part(&mut multipart).await? {
        if part.file_name().is_none() {
            let (name, value) = part_text(part).await?;
            if name == crate::csrf::FIELD {
                gate.token(&value)?;
            } else {
                gate.check()?;
                if name == "field" {
                    field_id = value;
                }
            }
            continue;
        }
        gate.check()?;
        let name = part.file_name().unwrap_or("tep").to_owned();
        let mut reader = part_reader(part);
        result = apply::upload(
            svc,
            applicant.user(),
            id,
            &field_id,
            &name,
            &mut reader,
            Utc::now(),
        )
        .await
        .map(|_| ());
        break;
    }
    gate.check()?;
    match result {
        Ok(()) => Ok(see_other(&format!("/nop-ho-so/{id}#files"))),
        Err(AppError::Invalid(problems)) => {
            let draft = apply::draft_of(svc, applicant.user(), id).await?;
            let version = apply::online_procedure(svc, &draft.procedure_code, Utc::now()).await?;
            let errors = Errors::from_problems(lang, &problems);
            let status = if problems.iter().any(|p| {
                matches!(
                    p.problem,
                    motcua_domain::forms::Problem::FileTooLarge { .. }
                )
            }) {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let view = apply_page(svc, ctx, &draft, &version.procedure, errors, false).await?;
            render(lang, status, &view)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /nop-ho-so/{id}/tep/{index}/xoa`.
pub(crate) async fn remove_file(
    State(state): State<AppState>,
    applicant: Applicant,
    Path((id, index)): Path<(String, usize)>,
    Posted(_): Posted<super::account::Empty>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let id = draft_id(&id)?;
    apply::remove_file(svc, applicant.user(), id, index, Utc::now()).await?;
    Ok(see_other(&format!("/nop-ho-so/{id}#files")))
}

/// `POST /nop-ho-so/{id}/xoa`: throws the draft away.
pub(crate) async fn discard(
    State(state): State<AppState>,
    applicant: Applicant,
    Path(id): Path<String>,
    Posted(_): Posted<super::account::Empty>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    apply::discard(svc, applicant.user(), draft_id(&id)?).await?;
    Ok(see_other("/ho-so"))
}

/// `POST /nop-ho-so/{id}/nop`: submits (once, however often it is sent).
pub(crate) async fn submit(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    Path(id): Path<String>,
    Posted(_): Posted<super::account::Empty>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let id = draft_id(&id)?;
    let lang = ctx.lang();
    let draft = apply::draft_of(svc, applicant.user(), id).await?;
    let sent = if apply::sent_by_post(&draft) {
        // The post collects the papers: a pickup is booked; the dossier
        // enters when the agency confirms the post's hand-over.
        pickup::book(svc, applicant.user(), id, Utc::now())
            .await
            .map(|_| format!("/nop-ho-so/{id}"))
    } else {
        apply::submit(svc, applicant.user(), id, Utc::now())
            .await
            .map(|done| format!("/ho-so/{}/bien-nhan", done.dossier.id))
    };
    let errors = match sent {
        Ok(to) => return Ok(see_other(&to)),
        Err(AppError::Invalid(problems)) => Errors::from_problems(lang, &problems),
        // A day the post cannot come, no post office for the agency: said
        // on the page, with everything typed kept.
        Err(AppError::Postal(p)) => Errors::general(lang.describe(&p)),
        Err(e) => return Err(e.into()),
    };
    let draft = apply::draft_of(svc, applicant.user(), id).await?;
    let version = apply::online_procedure(svc, &draft.procedure_code, Utc::now()).await?;
    let view = apply_page(svc, ctx, &draft, &version.procedure, errors, false).await?;
    render(lang, StatusCode::UNPROCESSABLE_ENTITY, &view)
}

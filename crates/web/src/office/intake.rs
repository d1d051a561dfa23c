//! `GET /can-bo/tiep-nhan` and `POST /can-bo/tiep-nhan`: a reception
//! officer takes in a walk-in dossier — procedure, applicant, how the
//! result goes back, the scans — and prints the receipt with its PIN.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use motcua_app::AppError;
use motcua_app::office::intake::{self, CounterIntake};
use motcua_store::{Delivery, ProcedureQuery};

use super::actions::files_field;
use crate::error::WebError;
use crate::page::{PageCtx, render};
use crate::portal::form::Errors;
use crate::portal::words;
use crate::state::AppState;
use crate::uploads::{CsrfGate, UploadError, files_and_fields};
use crate::visitor::OfficialVisitor;

#[derive(Template)]
#[template(path = "office/intake.html")]
struct IntakePage {
    ctx: PageCtx,
    errors: Errors,
    counters: Vec<(String, String)>,
    procedures: Vec<(String, String)>,
    communes: Vec<(String, String)>,
    values: CounterIntake,
    receiving: String,
    deciding: String,
    deliveries: Vec<(&'static str, String)>,
    delivery: String,
}

#[derive(Template)]
#[template(path = "office/taken_in.html")]
struct TakenInPage {
    ctx: PageCtx,
    id: String,
    code: String,
    pin: String,
    procedure: String,
    applicant: String,
    period: String,
    head_hash: String,
}

async fn intake_page(
    state: &AppState,
    who: &OfficialVisitor,
    ctx: PageCtx,
    values: CounterIntake,
    errors: Errors,
) -> Result<IntakePage, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let counters = intake::counters(svc, &who.official).await?;
    let today = motcua_domain::calendar::to_local(Utc::now()).date();
    let procedures = svc
        .store
        .search_procedures(&ProcedureQuery::all_on(today, 2000))
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|v| {
            (
                v.procedure.code.clone(),
                format!(
                    "{} — {}",
                    v.procedure.code,
                    words::procedure_name(lang, &v.procedure)
                ),
            )
        })
        .collect();
    let communes = motcua_app::apply::agencies_of_kind(svc, "commune")
        .await?
        .into_iter()
        .map(|a| (a.id.to_string(), a.name))
        .collect();
    Ok(IntakePage {
        errors,
        counters: counters
            .iter()
            .map(|a| (a.id.to_string(), a.name.clone()))
            .collect(),
        procedures,
        communes,
        receiving: values.receiving.map(|a| a.to_string()).unwrap_or_default(),
        deciding: values.deciding.map(|a| a.to_string()).unwrap_or_default(),
        delivery: values
            .delivery
            .map(|d| d.key().to_owned())
            .unwrap_or_default(),
        deliveries: [Delivery::Counter, Delivery::Post]
            .iter()
            .map(|d| (d.key(), words::delivery(lang, *d)))
            .collect(),
        values,
        ctx,
    })
}

/// `GET /can-bo/tiep-nhan`.
pub(crate) async fn form(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
) -> Result<Response, WebError> {
    let lang = ctx.lang();
    let page = intake_page(&state, &who, ctx, CounterIntake::default(), Errors::none()).await?;
    render(lang, StatusCode::OK, &page)
}

/// `POST /can-bo/tiep-nhan` (multipart): the intake and its scans.
pub(crate) async fn submit(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let (fields, files) = match files_and_fields(
        svc,
        multipart,
        &files_field(),
        Some(CsrfGate::new(&headers)),
    )
    .await
    {
        Ok(found) => found,
        Err(UploadError::Web(e)) => return Err(e),
        Err(UploadError::App(AppError::Invalid(problems))) => {
            let errors = Errors::from_problems(lang, &problems);
            let page = intake_page(&state, &who, ctx, CounterIntake::default(), errors).await?;
            return render(lang, StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
        Err(UploadError::App(e)) => return Err(e.into()),
    };
    let text = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let values = CounterIntake {
        procedure_code: text(intake::inputs::PROCEDURE),
        receiving: text(intake::inputs::RECEIVING).parse().ok(),
        deciding: text(intake::inputs::DECIDING).parse().ok(),
        name: text(intake::inputs::NAME),
        identity: text(intake::inputs::IDENTITY),
        phone: text(intake::inputs::PHONE),
        email: text(intake::inputs::EMAIL),
        address: text("address"),
        delivery: Delivery::from_key(&text(intake::inputs::DELIVERY)),
    };
    match intake::take_in(svc, &who.official, &values, files, Utc::now()).await {
        Ok(taken) => {
            let d = &taken.dossier;
            let procedure = svc
                .store
                .procedure_in_force(&d.procedure_code, d.procedure_version)
                .await
                .map_err(AppError::from)?
                .map_or_else(
                    || d.procedure_code.clone(),
                    |v| words::procedure_name(lang, &v.procedure),
                );
            let page = TakenInPage {
                id: d.id.to_string(),
                code: d.code.as_str().to_owned(),
                pin: taken.pin,
                procedure,
                applicant: d.applicant.name.clone(),
                period: words::period(lang, taken.processing_time),
                head_hash: d.head_hash.to_hex(),
                ctx,
            };
            render(lang, StatusCode::CREATED, &page)
        }
        Err(AppError::Invalid(problems)) => {
            let errors = Errors::from_problems(lang, &problems);
            let page = intake_page(&state, &who, ctx, values, errors).await?;
            render(lang, StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

//! The legal forms of a dossier, printed from the browser or downloaded as
//! PDF: `GET /can-bo/ho-so/{id}/mau/{form}` for officials,
//! `GET /ho-so/{id}/mau/{form}` for the applicant, each with `/pdf` after
//! it. The HTML is the form alone on its paper (A5 or A4, print CSS, no
//! site header); the PDF comes from the renderer the binary wired in.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use motcua_app::printouts::{self, Reader};
use motcua_app::{AppError, Services, apply};
use motcua_domain::forms::{FieldProblem, Problem};
use motcua_domain::printout::{Block, Printout};
use motcua_domain::regime::{FormKind, Paper};
use motcua_store::{DossierId, User};

use crate::error::WebError;
use crate::office::dossier::dossier_id;
use crate::page::{PageCtx, render};
use crate::state::AppState;
use crate::visitor::{Applicant, OfficialVisitor};

/// A block of the body, flattened for the template.
struct BlockView {
    kind: &'static str,
    label: String,
    text: String,
    items: Vec<String>,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl From<&Block> for BlockView {
    fn from(block: &Block) -> Self {
        let mut view = BlockView {
            kind: "paragraph",
            label: String::new(),
            text: String::new(),
            items: Vec::new(),
            columns: Vec::new(),
            rows: Vec::new(),
        };
        match block {
            Block::Paragraph { text } => view.text.clone_from(text),
            Block::Field { label, value } => {
                view.kind = "field";
                view.label.clone_from(label);
                view.text.clone_from(value);
            }
            Block::List { label, items } => {
                view.kind = "list";
                view.label.clone_from(label);
                view.items.clone_from(items);
            }
            Block::Table { columns, rows, .. } => {
                view.kind = "table";
                view.columns.clone_from(columns);
                view.rows.clone_from(rows);
            }
        }
        view
    }
}

#[derive(Template)]
#[template(path = "print/form.html")]
struct PrintPage {
    ctx: PageCtx,
    p: Printout,
    paper: &'static str,
    blocks: Vec<BlockView>,
    nation: &'static str,
    motto: &'static str,
    pdf_href: String,
    back_href: String,
}

fn form_kind(key: &str, reader: Reader) -> Result<FormKind, WebError> {
    printouts::kind_from_key(key)
        .filter(|k| reader.may_read(*k))
        .ok_or(WebError::NotFound)
}

/// The PIN printed on the applicant's receipt while the draft that made
/// the dossier is kept (only its hash is stored after that).
async fn pin_of(svc: &Services, user: &User, id: DossierId) -> Option<String> {
    apply::draft_of(svc, user, id).await.ok().map(|d| d.pin)
}

async fn official_form(
    state: &AppState,
    who: &OfficialVisitor,
    id: &str,
    form: &str,
) -> Result<(Printout, String), WebError> {
    let svc = state.require_services()?;
    let id = dossier_id(id)?;
    let kind = form_kind(form, Reader::Official)?;
    let (dossier, _) = motcua_app::office::scope::visible(svc, &who.official, id).await?;
    let paperwork = printouts::load(svc, dossier).await?;
    let printout = paperwork.printout(kind, None)?;
    Ok((printout, format!("/can-bo/ho-so/{id}")))
}

async fn applicant_form(
    state: &AppState,
    who: &Applicant,
    id: &str,
    form: &str,
) -> Result<(Printout, String), WebError> {
    let svc = state.require_services()?;
    let id = dossier_id(id)?;
    let kind = form_kind(form, Reader::Applicant)?;
    let dossier = motcua_app::applicant::mine(svc, who.user(), id).await?;
    let paperwork = printouts::load(svc, dossier).await?;
    let pin = match kind {
        FormKind::Receipt => pin_of(svc, who.user(), id).await,
        _ => None,
    };
    let printout = paperwork.printout(kind, pin.as_deref())?;
    Ok((printout, format!("/ho-so/{id}")))
}

pub(crate) fn print_page(
    ctx: PageCtx,
    p: Printout,
    back_href: String,
    pdf_href: String,
) -> Result<Response, WebError> {
    let lang = ctx.lang();
    let page = PrintPage {
        paper: match p.paper {
            Paper::A4 if p.landscape => "a4-landscape",
            Paper::A4 => "a4",
            Paper::A5 => "a5",
        },
        blocks: p.blocks.iter().map(BlockView::from).collect(),
        nation: motcua_domain::printout::NATIONAL_NAME,
        motto: motcua_domain::printout::NATIONAL_MOTTO,
        pdf_href,
        back_href,
        p,
        ctx,
    };
    render(lang, StatusCode::OK, &page)
}

/// A drawn printout as a download named after it (the stem is ASCII: the
/// form's number and the dossier's code, or the unit and the period), never
/// cached.
fn download(bytes: Vec<u8>, content_type: &'static str, stem: &str, extension: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{stem}.{extension}\"")) {
        headers.insert(CONTENT_DISPOSITION, v);
    }
    response
}

pub(crate) async fn pdf_of(state: &AppState, printout: Printout) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let stem = printout.file_stem.clone();
    let bytes = printouts::pdf(svc, printout).await?;
    Ok(download(bytes, "application/pdf", &stem, "pdf"))
}

async fn xlsx_of(svc: &Services, printout: Printout) -> Result<Response, WebError> {
    let stem = printout.file_stem.clone();
    let bytes = printouts::xlsx(svc, printout).await?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &stem,
        "xlsx",
    ))
}

/// `GET /can-bo/ho-so/{id}/mau/{form}`.
pub(crate) async fn official_print(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Path((id, form)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (printout, back) = official_form(&state, &who, &id, &form).await?;
    let pdf = format!("{back}/mau/{form}/pdf");
    print_page(ctx, printout, back, pdf)
}

/// `GET /can-bo/ho-so/{id}/mau/{form}/pdf`.
pub(crate) async fn official_pdf(
    State(state): State<AppState>,
    who: OfficialVisitor,
    Path((id, form)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (printout, _) = official_form(&state, &who, &id, &form).await?;
    pdf_of(&state, printout).await
}

/// `GET /ho-so/{id}/mau/{form}`.
pub(crate) async fn applicant_print(
    State(state): State<AppState>,
    who: Applicant,
    ctx: PageCtx,
    Path((id, form)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (printout, back) = applicant_form(&state, &who, &id, &form).await?;
    let pdf = format!("{back}/mau/{form}/pdf");
    print_page(ctx, printout, back, pdf)
}

/// `GET /ho-so/{id}/mau/{form}/pdf`.
pub(crate) async fn applicant_pdf(
    State(state): State<AppState>,
    who: Applicant,
    Path((id, form)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (printout, _) = applicant_form(&state, &who, &id, &form).await?;
    pdf_of(&state, printout).await
}

/// The forms issued on a dossier, for the links on its page: (title with
/// its number, the link's path segment).
pub(crate) fn links(
    dossier: &motcua_store::DossierRecord,
    events: &[motcua_store::EventRecord],
    reader: Reader,
) -> Vec<(String, &'static str)> {
    let circular = dossier.state.regime.circular.rules();
    printouts::issued(dossier, events)
        .into_iter()
        .filter(|k| reader.may_read(*k))
        .filter_map(|k| {
            circular.form(k).map(|spec| {
                (
                    format!("Mẫu số {:02}: {}", spec.number, spec.title_vi),
                    printouts::kind_key(k),
                )
            })
        })
        .collect()
}

/// What `GET /can-bo/so-theo-doi` takes: the unit, the year, a month or
/// none for the whole year, and the output (`html`, `pdf`, `xlsx`).
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct LogbookQuery {
    #[serde(default)]
    don_vi: String,
    #[serde(default)]
    nam: String,
    #[serde(default)]
    thang: String,
    #[serde(default)]
    dang: String,
}

#[derive(Template)]
#[template(path = "office/logbook.html")]
struct LogbookChooser {
    ctx: PageCtx,
    /// The units they hold a role at: (id, name).
    units: Vec<(String, String)>,
    year: String,
    errors: crate::portal::form::Errors,
}

/// The year, month and unit asked for, or the problems with them.
fn logbook_period(
    query: &LogbookQuery,
    units: &[(String, String)],
) -> Result<
    (
        motcua_store::AgencyId,
        motcua_app::printouts::logbook::BookPeriod,
    ),
    Vec<FieldProblem>,
> {
    let problem = |field: &str, problem| FieldProblem {
        field: field.to_owned(),
        problem,
    };
    let mut problems = Vec::new();
    let year = query
        .nam
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        problems.push(problem(
            "nam",
            Problem::OutOfRange {
                min: 2000,
                max: 2100,
            },
        ));
    }
    let month = match query.thang.trim() {
        "" => Ok(None),
        m => m
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=12).contains(m))
            .map(Some)
            .ok_or(()),
    };
    if month.is_err() {
        problems.push(problem("thang", Problem::OutOfRange { min: 1, max: 12 }));
    }
    let wanted = query.don_vi.trim();
    let unit = units
        .iter()
        .find(|(id, _)| wanted.is_empty() || id == wanted)
        .and_then(|(id, _)| id.parse().ok());
    if unit.is_none() {
        problems.push(problem("don_vi", Problem::NotAnOption));
    }
    match (unit, year, month) {
        (Some(unit), Some(year), Ok(month)) if problems.is_empty() => Ok((
            unit,
            motcua_app::printouts::logbook::BookPeriod { year, month },
        )),
        _ => Err(problems),
    }
}

/// `GET /can-bo/so-theo-doi`: the logbook of a unit for a month or a year,
/// as print-ready HTML, PDF or XLSX; without a year, the form to choose
/// (shown again with the problems when the choice is wrong).
pub(crate) async fn logbook(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    axum::extract::Query(query): axum::extract::Query<LogbookQuery>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let mut units: Vec<(String, String)> = Vec::new();
    // The units whose dossiers they handle, as the logbook itself checks.
    for unit in who.official.handling_agencies() {
        if let Some(a) = svc.store.agency(unit).await.map_err(AppError::from)? {
            units.push((unit.to_string(), a.name));
        }
    }
    let lang = ctx.lang();
    let chooser = |ctx: PageCtx, units, problems: &[FieldProblem]| {
        let year = if query.nam.trim().is_empty() {
            motcua_domain::calendar::to_local(chrono::Utc::now())
                .format("%Y")
                .to_string()
        } else {
            query.nam.trim().to_owned()
        };
        let status = if problems.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let page = LogbookChooser {
            errors: crate::portal::form::Errors::from_problems(lang, problems),
            ctx,
            units,
            year,
        };
        render(lang, status, &page)
    };
    if query.nam.trim().is_empty() {
        return chooser(ctx, units, &[]);
    }
    let (unit, period) = match logbook_period(&query, &units) {
        Ok(asked) => asked,
        Err(problems) => return chooser(ctx, units, &problems),
    };
    let printout = match motcua_app::printouts::logbook::logbook(
        svc,
        &who.official,
        unit,
        period,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(p) => p,
        Err(AppError::Invalid(problems)) => return chooser(ctx, units, &problems),
        Err(e) => return Err(e.into()),
    };
    match query.dang.trim() {
        "pdf" => pdf_of(&state, printout).await,
        "xlsx" => xlsx_of(svc, printout).await,
        _ => {
            let pdf = format!(
                "/can-bo/so-theo-doi?don_vi={unit}&nam={}&thang={}&dang=pdf",
                period.year,
                period.month.map(|m| m.to_string()).unwrap_or_default()
            );
            print_page(ctx, printout, "/can-bo/so-theo-doi".to_owned(), pdf)
        }
    }
}

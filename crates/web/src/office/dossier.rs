//! `GET /can-bo/ho-so/{id}`: a dossier as the back office sees it — who
//! filed it, its clock, its files, its whole timeline with whether the
//! hash chain verifies, and a form for each action the official may take
//! now. `POST /can-bo/ho-so/{id}/{action}` takes one.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use motcua_app::office::scope::{self, Seat};
use motcua_app::office::{Official, act as office_act, capture, plan};
use motcua_app::printouts::Reader;
use motcua_app::{AppError, Services};
use motcua_domain::catalog::Procedure;
use motcua_domain::forms::FieldProblem;
use motcua_domain::lifecycle::{Action, CapturedDocument, Role};
use motcua_i18n::Arg;
use motcua_store::{AttachmentId, DossierId, DossierRecord, UserId};

use super::actions::{self, ActionForm};
use crate::error::WebError;
use crate::page::{PageCtx, render};
use crate::portal::account::see_other;
use crate::portal::dossiers::file_response;
use crate::portal::form::Errors;
use crate::portal::words;
use crate::state::AppState;
use crate::uploads::{CsrfGate, UploadError, files_and_fields};
use crate::visitor::OfficialVisitor;

/// An event of the timeline, as the office reads it.
pub(crate) struct EventLine {
    seq: u32,
    at: String,
    action: String,
    who: String,
    reason: Option<String>,
    /// Who received the result, for a return at the counter.
    recipient: Option<String>,
    /// What the action carried beyond its reason: the agencies a hand-over
    /// asked (each with its task and own due date), a digitised document.
    details: Vec<String>,
    files: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "office/dossier.html")]
struct DossierPage {
    ctx: PageCtx,
    id: String,
    code: String,
    procedure: String,
    stage: String,
    channel: String,
    delivery: String,
    regime: String,
    applicant: motcua_store::Applicant,
    entered: String,
    accepted: Option<String>,
    due: Option<String>,
    original_due: Option<String>,
    work_due: Option<String>,
    assignee: Option<String>,
    /// Other agencies' steps it waits for: who, what, due when.
    open_steps: Vec<String>,
    /// The procedure's workflow as planned from the entry: step, who (role
    /// and agency), its time, when it should end.
    workflow: Vec<[String; 4]>,
    /// The applicant's digitised documents (on this dossier or earlier
    /// ones), to reuse: (line, the dossier it was captured on, still valid).
    captured: Vec<(String, String, bool)>,
    events: Vec<EventLine>,
    /// The post's part: the papers collected, the result delivered.
    post_events: Vec<crate::office::post::PostLine>,
    chain_ok: bool,
    head_hash: String,
    /// The forms issued so far: (title, path segment of the link).
    forms: Vec<(String, &'static str)>,
    /// Its fees: owed, and the payments with their receipts.
    fees: crate::portal::payments::FeesView,
    actions: Vec<ActionForm>,
    errors: Errors,
}

pub(crate) fn dossier_id(text: &str) -> Result<DossierId, WebError> {
    text.parse().map_err(|_| WebError::NotFound)
}

/// A user's name, for the timeline and the assignee.
pub(crate) async fn name_of(
    svc: &Services,
    id: Option<UserId>,
) -> Result<Option<String>, AppError> {
    Ok(match id {
        Some(id) => svc.store.user(id).await?.map(|u| u.full_name),
        None => None,
    })
}

/// An agency as officials know it: its name when it is one of ours, else
/// the identifier or kind the step names (a court outside the system).
async fn agency_label(svc: &Services, identifier: &str) -> Result<String, AppError> {
    Ok(match svc.store.agency_by_identifier(identifier).await? {
        Some(a) => a.name,
        None => identifier.to_owned(),
    })
}

/// One step of a hand-over as a line: "agency: task (due …)".
async fn step_line(
    svc: &Services,
    ctx: &PageCtx,
    agency: &str,
    task: &str,
    due: Option<DateTime<Utc>>,
) -> Result<String, AppError> {
    let label = agency_label(svc, agency).await?;
    Ok(match due {
        Some(due) => ctx.lang().tr_args(
            "office-step-due",
            &[
                ("agency", Arg::from(label)),
                ("task", Arg::from(task.to_owned())),
                ("due", Arg::from(ctx.instant(&due))),
            ],
        ),
        None => format!("{label}: {task}"),
    })
}

/// A digitised document as a line: "title (type no. number, issued …,
/// valid until …)".
fn document_line(ctx: &PageCtx, d: &CapturedDocument) -> String {
    let lang = ctx.lang();
    let mut parts = vec![d.type_code.clone()];
    if let Some(n) = &d.number {
        parts.push(lang.tr_args("office-doc-number", &[("number", Arg::from(n.clone()))]));
    }
    if let Some(day) = d.issued_on {
        let date = Arg::from(ctx.date(&day));
        parts.push(match &d.issuer {
            Some(by) => lang.tr_args(
                "office-doc-issued",
                &[("date", date), ("issuer", Arg::from(by.clone()))],
            ),
            None => lang.tr_args("office-doc-issued-on", &[("date", date)]),
        });
    }
    parts.push(match d.valid_until {
        Some(day) => lang.tr_args(
            "office-doc-valid-until",
            &[("date", Arg::from(ctx.date(&day)))],
        ),
        None => lang.tr("office-doc-no-expiry"),
    });
    format!("{} ({}): {}", d.title, parts.join(", "), d.summary)
}

/// The catalog's workflow for this dossier, each step planned from its
/// entry on its receiving unit's calendar.
async fn workflow_plan(
    svc: &Services,
    ctx: &PageCtx,
    procedure: &Procedure,
    d: &DossierRecord,
) -> Result<Vec<[String; 4]>, AppError> {
    let lang = ctx.lang();
    let mut rows = Vec::new();
    for (step, end) in plan::plan(svc, d, procedure).await? {
        let mut who = actions::capitalised(&lang.tr(&format!("role-{}", step.role.key())));
        if let Some(agency) = &step.agency {
            who = format!("{who} — {}", agency_label(svc, agency).await?);
        }
        rows.push([
            step.name.clone(),
            who,
            words::period(lang, step.time),
            ctx.instant(&end),
        ]);
    }
    Ok(rows)
}

/// The specialists of the deciding agency (who may be assigned).
async fn specialists(svc: &Services, seat: &Seat) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    for grant in svc.store.grants_at(seat.deciding).await? {
        if grant.role == Role::Specialist
            && let Some(user) = svc.store.user(grant.user).await?
            && !user.disabled
        {
            out.push((user.id.to_string(), user.full_name));
        }
    }
    Ok(out)
}

async fn dossier_page(
    svc: &Services,
    ctx: PageCtx,
    official: &Official,
    dossier: DossierRecord,
    seat: Seat,
    posted: Option<(&str, Errors)>,
) -> Result<DossierPage, WebError> {
    let lang = ctx.lang();
    let d = &dossier;
    let events = svc.store.events(d.id).await.map_err(AppError::from)?;
    let attachments = svc.store.attachments(d.id).await.map_err(AppError::from)?;
    let chain_ok = motcua_store::timeline::check(d, &events, &attachments).is_empty();
    let version = office_act::procedure_of(svc, d).await?;
    let procedure = version.as_ref().map_or_else(
        || d.procedure_code.clone(),
        |p| words::procedure_name(lang, p),
    );
    let mut lines = Vec::with_capacity(events.len());
    for e in &events {
        let who = match name_of(svc, e.actor).await? {
            Some(name) => format!("{name} ({})", lang.tr(&format!("role-{}", e.role.key()))),
            None => lang.tr(&format!("role-{}", e.role.key())),
        };
        let mut details = Vec::new();
        match &e.event.action {
            Action::SendToAgency(handover) => {
                for (i, step) in handover.steps.iter().enumerate() {
                    let due = e.event.effect.step_dues.get(i).copied().flatten();
                    details.push(step_line(svc, &ctx, &step.agency, &step.task, due).await?);
                }
            }
            Action::CaptureData(document) => details.push(document_line(&ctx, document)),
            Action::FeePaid {
                payment,
                amount_vnd,
                ..
            }
            | Action::FeeRefunded {
                payment,
                amount_vnd,
                ..
            }
            | Action::FeePaymentStarted {
                payment,
                amount_vnd,
            } => details.push(lang.tr_args(
                "office-money-line",
                &[
                    ("payment", motcua_i18n::Arg::from(payment.clone())),
                    (
                        "amount",
                        motcua_i18n::Arg::from(crate::portal::words::vnd(*amount_vnd)),
                    ),
                ],
            )),
            Action::FeePaymentFailed { payment, .. } => details.push(payment.clone()),
            Action::RequestPayment { fees } => details.extend(fees.iter().map(|f| {
                format!(
                    "{} × {}: {}",
                    f.name,
                    f.count,
                    crate::portal::words::vnd(f.amount_vnd)
                )
            })),
            _ => {}
        }
        // A hand-over's tasks are read with its steps; a money event's
        // receipt or reason stays with its amount.
        let reason = match &e.event.action {
            Action::SendToAgency(_) | Action::CaptureData(_) => None,
            _ => e.reason.clone(),
        };
        lines.push(EventLine {
            seq: e.seq,
            at: ctx.instant(&e.at),
            action: actions::capitalised(&lang.tr(&format!("action-{}", e.action.key()))),
            who,
            reason,
            details,
            recipient: match &e.event.action {
                Action::ReturnResult { recipient: Some(r) } => Some(lang.tr_args(
                    "office-recipient",
                    &[
                        ("name", motcua_i18n::Arg::from(r.name.clone())),
                        ("identity", motcua_i18n::Arg::from(r.identity.clone())),
                    ],
                )),
                _ => None,
            },
            files: attachments
                .iter()
                .filter(|a| a.event_seq == e.seq)
                .map(|a| {
                    (
                        format!("/can-bo/ho-so/{}/tep/{}", d.id, a.id),
                        a.file_name.clone(),
                    )
                })
                .collect(),
        });
    }
    let assignee = match d.columns.assignee.as_deref().and_then(|a| a.parse().ok()) {
        Some(id) => name_of(svc, Some(id)).await?,
        None => None,
    };
    let specialists = if d.state.offers(motcua_domain::lifecycle::ActionKind::Assign) {
        specialists(svc, &seat).await?
    } else {
        Vec::new()
    };
    let (posted_key, errors) = match posted {
        Some((key, errors)) => (Some(key), errors),
        None => (None, Errors::none()),
    };
    let actions = actions::offered(
        lang,
        official,
        d,
        version.as_ref(),
        &seat,
        &specialists,
        posted_key.map(|k| (k, &errors)),
    );
    let mut open_steps = Vec::new();
    for step in &d.state.open_steps {
        open_steps.push(step_line(svc, &ctx, &step.agency, &step.task, step.due).await?);
    }
    // The plan is informational: a calendar problem leaves it out rather
    // than the page.
    let workflow = match &version {
        Some(p) => workflow_plan(svc, &ctx, p, d).await.unwrap_or_else(|e| {
            tracing::warn!(dossier = %d.id, error = %e, "workflow plan left out");
            Vec::new()
        }),
        None => Vec::new(),
    };
    let today = motcua_domain::calendar::to_local(Utc::now()).date();
    let captured = capture::of_applicant(svc, official, d)
        .await?
        .iter()
        .map(|r| {
            (
                document_line(&ctx, &r.document),
                r.code.as_str().to_owned(),
                r.document.valid_until.is_none_or(|until| until >= today),
            )
        })
        .collect();
    let forms = crate::printouts::links(d, &events, Reader::Official);
    let clock = &d.state.clock;
    let fees = crate::portal::payments::FeesView::of(
        &ctx,
        &motcua_app::payments::fees_given(svc, d, &events).await?,
    );
    Ok(DossierPage {
        fees,
        id: d.id.to_string(),
        code: d.code.as_str().to_owned(),
        procedure,
        stage: words::stage(lang, d.state.stage),
        channel: lang.tr(&format!("channel-{}", channel_key(d.state.channel))),
        delivery: words::delivery(lang, d.delivery),
        regime: d.state.regime().decree.title.to_owned(),
        applicant: d.applicant.clone(),
        entered: ctx.instant(&d.state.entered_at),
        accepted: clock.accepted_at.map(|t| ctx.instant(&t)),
        due: clock.due.map(|t| ctx.instant(&t)),
        original_due: clock
            .original_due
            .filter(|o| Some(*o) != clock.due)
            .map(|t| ctx.instant(&t)),
        work_due: d.columns.work_due.map(|t| ctx.instant(&t)),
        assignee,
        open_steps,
        workflow,
        captured,
        events: lines,
        post_events: crate::office::post::post_lines(svc, &ctx, d.id).await?,
        chain_ok,
        head_hash: d.head_hash.to_hex(),
        forms,
        actions,
        errors,
        ctx,
    })
}

fn channel_key(c: motcua_domain::lifecycle::Channel) -> &'static str {
    match c {
        motcua_domain::lifecycle::Channel::Counter => "counter",
        motcua_domain::lifecycle::Channel::Online => "online",
        motcua_domain::lifecycle::Channel::NationalPortal => "national-portal",
        motcua_domain::lifecycle::Channel::Post => "post",
    }
}

/// `GET /can-bo/ho-so/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let (dossier, seat) = scope::visible(svc, &who.official, dossier_id(&id)?).await?;
    let page = dossier_page(svc, ctx, &who.official, dossier, seat, None).await?;
    render(lang, StatusCode::OK, &page)
}

/// `GET /can-bo/ho-so/{id}/tep/{attachment}`: a file of a dossier the
/// official may see.
pub(crate) async fn download(
    State(state): State<AppState>,
    who: OfficialVisitor,
    Path((id, attachment)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let attachment: AttachmentId = attachment.parse().map_err(|_| WebError::NotFound)?;
    let (file, reader) =
        scope::attachment(svc, &who.official, dossier_id(&id)?, attachment).await?;
    Ok(file_response(&file, reader))
}

/// `POST /can-bo/ho-so/{id}/{action}` (multipart): the action's fields and
/// files. Refused input shows the page again with the problems at the
/// action's form; a refusal of the law shows it at the top.
pub(crate) async fn act(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let kind = actions::kind_of(&action).ok_or(WebError::NotFound)?;
    let (dossier, _) = scope::visible(svc, &who.official, dossier_id(&id)?).await?;
    let result: Result<(), UploadError> = async {
        let (fields, files) = files_and_fields(
            svc,
            multipart,
            &actions::files_field(),
            Some(CsrfGate::new(&headers)),
        )
        .await?;
        let hours = office_act::hours_of(svc, &dossier)
            .await
            .map_err(UploadError::App)?;
        let procedure = office_act::procedure_of(svc, &dossier)
            .await
            .map_err(UploadError::App)?;
        let action = actions::action_of(kind, &fields, &hours, procedure.as_ref())
            .map_err(UploadError::App)?;
        office_act::act(svc, &who.official, dossier.id, action, files, Utc::now())
            .await
            .map(|_| ())
            .map_err(UploadError::App)
    }
    .await;
    let errors = match result {
        Ok(()) => return Ok(see_other(&format!("/can-bo/ho-so/{}", dossier.id))),
        Err(UploadError::Web(e)) => return Err(e),
        Err(UploadError::App(AppError::Invalid(problems))) => {
            let prefixed: Vec<FieldProblem> = problems
                .into_iter()
                .map(|p| FieldProblem {
                    field: format!("{}-{}", kind.key(), p.field),
                    problem: p.problem,
                })
                .collect();
            Errors::from_problems(lang, &prefixed)
        }
        Err(UploadError::App(e)) if e.is_refusal() && !matches!(e, AppError::NotFound(_)) => {
            Errors::general(actions::capitalised(&lang.describe(&e)))
        }
        Err(UploadError::App(e)) => return Err(e.into()),
    };
    // The page again, as it is now, with the problems.
    let (dossier, seat) = scope::visible(svc, &who.official, dossier.id).await?;
    let page = dossier_page(
        svc,
        ctx,
        &who.official,
        dossier,
        seat,
        Some((kind.key(), errors)),
    )
    .await?;
    render(lang, StatusCode::UNPROCESSABLE_ENTITY, &page)
}

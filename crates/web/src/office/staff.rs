//! `/quan-tri/can-bo`: a system or agency administrator sees the officials
//! of an agency they manage with their roles; adds one (who gets the mail
//! to set their own password); changes an official's roles; locks or
//! unlocks an account; and sets the agency's office hours.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use motcua_app::AppError;
use motcua_app::office::admins::{self, OfficialDetails};
use motcua_app::office::reorganise;
use motcua_domain::forms::Problem;
use motcua_domain::lifecycle::Role;
use motcua_store::{AgencyId, UserId};
use serde::Deserialize;

use crate::csrf::Posted;
use crate::error::WebError;
use crate::page::{PageCtx, render};
use crate::portal::form::Errors;
use crate::state::AppState;
use crate::visitor::OfficialVisitor;

/// A row of the officials' table.
pub(crate) struct Member {
    id: String,
    name: String,
    email: String,
    roles: String,
    /// The roles the administrator may change: key, label, held.
    grantable: Vec<(&'static str, String, bool)>,
    locked: bool,
    /// The administrator's own row: nothing to change there.
    me: bool,
}

#[derive(Template)]
#[template(path = "office/staff.html")]
struct StaffPage {
    ctx: PageCtx,
    agencies: Vec<(String, String)>,
    agency: String,
    agency_name: String,
    members: Vec<Member>,
    roles: Vec<(&'static str, String, bool)>,
    values: BTreeMap<String, String>,
    errors: Errors,
    added: Option<String>,
    saved: Option<&'static str>,
    office_hours: String,
    /// A system administrator may rename the agency.
    renames: bool,
    /// The agencies a system administrator may merge it into (none for the
    /// province; only the same one again for an agency already merged, to
    /// finish a merger cut short): id, name.
    merge_into: Vec<(String, String)>,
    /// The agency it was merged into, if it was.
    merged_into: Option<String>,
    /// For a post office, to a system administrator: every agency it may
    /// serve (id, name, served now).
    serves: Vec<(String, String, bool)>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct StaffQuery {
    #[serde(default)]
    co_quan: Option<String>,
    #[serde(default)]
    them: Option<String>,
    #[serde(default)]
    luu: Option<String>,
}

/// The notice after a change, by the `luu` the change redirects with.
fn saved_notice(key: Option<&str>) -> Option<&'static str> {
    match key? {
        "vai-tro" => Some("staff-saved-roles"),
        "khoa" => Some("staff-saved-locked"),
        "mo-khoa" => Some("staff-saved-unlocked"),
        "gio" => Some("staff-saved-hours"),
        "ten" => Some("staff-saved-name"),
        "sap-nhap" => Some("staff-saved-merged"),
        "phuc-vu" => Some("staff-saved-serves"),
        _ => None,
    }
}

fn role_label(lang: motcua_i18n::Lang, role: Role) -> String {
    super::actions::capitalised(&lang.tr(&format!("role-{}", role.key())))
}

async fn staff_page(
    state: &AppState,
    who: &OfficialVisitor,
    ctx: PageCtx,
    wanted: Option<AgencyId>,
    (values, errors): (BTreeMap<String, String>, Errors),
    (added, saved): (Option<String>, Option<&'static str>),
) -> Result<StaffPage, WebError> {
    let svc = state.require_services()?;
    let lang = ctx.lang();
    let managed = admins::managed_agencies(svc, &who.official).await?;
    let Some(agency) = wanted
        .and_then(|id| managed.iter().find(|a| a.id == id))
        .or(managed.first())
        .cloned()
    else {
        return Err(AppError::NotFound("agency").into());
    };
    let grantable = admins::grantable(&who.official, &agency);
    let members = admins::staff(svc, &who.official, agency.id)
        .await?
        .into_iter()
        .map(|m| Member {
            id: m.user.id.to_string(),
            grantable: grantable
                .iter()
                .map(|r| (r.key(), role_label(lang, *r), m.roles.contains(r)))
                .collect(),
            locked: m.user.disabled,
            me: m.user.id == who.official.user.id,
            name: m.user.full_name.clone(),
            email: m.user.email.clone().unwrap_or_default(),
            roles: m
                .roles
                .iter()
                .map(|r| role_label(lang, *r))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let roles = grantable
        .into_iter()
        .map(|r| {
            let checked = values.contains_key(&format!("role-{}", r.key()));
            (r.key(), role_label(lang, r), checked)
        })
        .collect();
    let system_admin = who.official.has_role(Role::SystemAdmin);
    let merged_into = match agency.merged_into {
        Some(id) => svc.store.agency(id).await.map_err(AppError::from)?,
        None => None,
    };
    let merge_into = match (&merged_into, system_admin && agency.parent.is_some()) {
        (_, false) => Vec::new(),
        // Asking again finishes a merger that was cut short.
        (Some(into), true) => vec![(into.id.to_string(), into.name.clone())],
        (None, true) => motcua_app::apply::all_agencies(svc)
            .await?
            .into_iter()
            .filter(|a| a.id != agency.id && a.merged_into.is_none())
            .map(|a| (a.id.to_string(), a.name))
            .collect(),
    };
    let merged_into = merged_into.map(|a| a.name);
    let serves = if system_admin && agency.kind == motcua_store::AgencyKind::PostOffice {
        let now = svc
            .store
            .served_agencies(agency.id)
            .await
            .map_err(AppError::from)?;
        motcua_app::apply::all_agencies(svc)
            .await?
            .into_iter()
            .filter(|a| a.kind != motcua_store::AgencyKind::PostOffice && a.merged_into.is_none())
            .map(|a| (a.id.to_string(), a.name, now.contains(&a.id)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(StaffPage {
        serves,
        merge_into,
        merged_into,
        agencies: managed
            .iter()
            .map(|a| (a.id.to_string(), a.name.clone()))
            .collect(),
        agency: agency.id.to_string(),
        agency_name: agency.name.clone(),
        office_hours: values
            .get("office_hours")
            .cloned()
            .unwrap_or_else(|| admins::office_hours_text(&agency.office_hours)),
        renames: system_admin,
        members,
        roles,
        values,
        errors,
        added,
        saved,
        ctx,
    })
}

/// `GET /quan-tri/can-bo`.
pub(crate) async fn page(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Query(query): Query<StaffQuery>,
) -> Result<Response, WebError> {
    let lang = ctx.lang();
    let wanted = query.co_quan.and_then(|a| a.parse().ok());
    let page = staff_page(
        &state,
        &who,
        ctx,
        wanted,
        (BTreeMap::new(), Errors::none()),
        (query.them, saved_notice(query.luu.as_deref())),
    )
    .await?;
    render(lang, StatusCode::OK, &page)
}

/// `POST /quan-tri/can-bo`: adds an official at the agency with the roles
/// ticked (`role-<key>` inputs).
pub(crate) async fn add(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Posted(form): Posted<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let text = |name: &str| form.get(name).cloned().unwrap_or_default();
    let agency: Option<AgencyId> = text("agency").parse().ok();
    let roles: Vec<Role> = admins::OFFICIAL_ROLES
        .into_iter()
        .filter(|r| form.contains_key(&format!("role-{}", r.key())))
        .collect();
    let Some(agency) = agency else {
        return Err(AppError::NotFound("agency").into());
    };
    let details = OfficialDetails {
        full_name: text("full_name"),
        email: text("email"),
        phone: text("phone"),
    };
    match admins::add_official(
        svc,
        Some(&who.official),
        agency,
        &details,
        &roles,
        Utc::now(),
    )
    .await
    {
        Ok(user) => Ok(crate::portal::account::see_other(&format!(
            "/quan-tri/can-bo?co_quan={agency}&them={}",
            crate::lang::percent_encode(&user.full_name)
        ))),
        Err(AppError::Invalid(problems)) => {
            refused(&state, &who, ctx, agency, form, &problems).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The page again with what was typed and each problem at its input.
async fn refused(
    state: &AppState,
    who: &OfficialVisitor,
    ctx: PageCtx,
    agency: AgencyId,
    form: BTreeMap<String, String>,
    problems: &[motcua_domain::forms::FieldProblem],
) -> Result<Response, WebError> {
    let lang = ctx.lang();
    let errors = Errors::from_problems(lang, problems);
    let page = staff_page(state, who, ctx, Some(agency), (form, errors), (None, None)).await?;
    render(lang, StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// Back to the agency's officials with a notice.
fn back(agency: AgencyId, saved: &str) -> Response {
    crate::portal::account::see_other(&format!("/quan-tri/can-bo?co_quan={agency}&luu={saved}"))
}

fn agency_of(form: &BTreeMap<String, String>) -> Result<AgencyId, WebError> {
    form.get("agency")
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| AppError::NotFound("agency").into())
}

fn user_of(id: &str) -> Result<UserId, WebError> {
    id.parse()
        .map_err(|_| AppError::NotFound("official").into())
}

/// `POST /quan-tri/can-bo/{user}/vai-tro`: the roles ticked (`role-<key>`)
/// among those the administrator may grant.
pub(crate) async fn set_roles(
    State(state): State<AppState>,
    who: OfficialVisitor,
    Path(user): Path<String>,
    Posted(form): Posted<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let agency = agency_of(&form)?;
    let wanted: Vec<Role> = admins::OFFICIAL_ROLES
        .into_iter()
        .filter(|r| form.contains_key(&format!("role-{}", r.key())))
        .collect();
    admins::set_roles(
        svc,
        &who.official,
        user_of(&user)?,
        agency,
        &wanted,
        Utc::now(),
    )
    .await?;
    Ok(back(agency, "vai-tro"))
}

/// `POST /quan-tri/can-bo/{user}/khoa`: locks the account (`locked=1`) or
/// unlocks it.
pub(crate) async fn set_locked(
    State(state): State<AppState>,
    who: OfficialVisitor,
    Path(user): Path<String>,
    Posted(form): Posted<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let agency = agency_of(&form)?;
    let locked = form.get("locked").is_some_and(|v| v == "1");
    admins::set_locked(
        svc,
        &who.official,
        user_of(&user)?,
        agency,
        locked,
        Utc::now(),
    )
    .await?;
    Ok(back(agency, if locked { "khoa" } else { "mo-khoa" }))
}

/// `POST /quan-tri/co-quan/gio-lam-viec`: the agency's office hours.
pub(crate) async fn set_office_hours(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Posted(form): Posted<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let agency = agency_of(&form)?;
    let text = form.get("office_hours").cloned().unwrap_or_default();
    let outcome = admins::set_office_hours(svc, &who.official, agency, &text, Utc::now()).await;
    answer(&state, &who, ctx, (agency, form), outcome, "gio").await
}

/// `POST /quan-tri/co-quan/ten`: a system administrator renames the agency.
pub(crate) async fn rename(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Posted(form): Posted<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let agency = agency_of(&form)?;
    let name = form.get("agency_name").cloned().unwrap_or_default();
    let outcome = admins::rename_agency(svc, &who.official, agency, &name, Utc::now()).await;
    answer(&state, &who, ctx, (agency, form), outcome, "ten").await
}

/// `POST /quan-tri/co-quan/phuc-vu`: a system administrator sets the
/// agencies a post office serves.
pub(crate) async fn serve(
    State(state): State<AppState>,
    who: OfficialVisitor,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let agency: AgencyId = form
        .iter()
        .find(|(k, _)| k == "agency")
        .and_then(|(_, v)| v.parse().ok())
        .ok_or(AppError::NotFound("agency"))?;
    let served: Vec<AgencyId> = form
        .iter()
        .filter(|(k, _)| k == "serves")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    motcua_app::postal::offices::serve(svc, &who.official, agency, &served).await?;
    Ok(back(agency, "phuc-vu"))
}

/// `POST /quan-tri/co-quan/sap-nhap`: a system administrator merges the
/// agency into another; its pending dossiers and officials move there, and
/// the page of the agency merged into says so.
pub(crate) async fn merge(
    State(state): State<AppState>,
    who: OfficialVisitor,
    ctx: PageCtx,
    Posted(form): Posted<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let agency = agency_of(&form)?;
    let into = form.get("into").and_then(|v| v.parse::<AgencyId>().ok());
    let reason = form.get("reason").cloned().unwrap_or_default();
    let outcome = match into {
        Some(into) => {
            reorganise::merge(svc, &who.official, agency, into, &reason, Utc::now()).await
        }
        None => Err(AppError::field("into", Problem::NotAnOption)),
    };
    match outcome {
        Ok(merged) => Ok(back(merged.into.id, "sap-nhap")),
        Err(AppError::Invalid(problems)) => {
            refused(&state, &who, ctx, agency, form, &problems).await
        }
        Err(e) => Err(e.into()),
    }
}

/// After a change to the agency: back to the page with a notice, or the
/// page again with what was typed and the problems at their inputs.
async fn answer<T>(
    state: &AppState,
    who: &OfficialVisitor,
    ctx: PageCtx,
    (agency, form): (AgencyId, BTreeMap<String, String>),
    outcome: Result<T, AppError>,
    saved: &str,
) -> Result<Response, WebError> {
    match outcome {
        Ok(_) => Ok(back(agency, saved)),
        Err(AppError::Invalid(problems)) => refused(state, who, ctx, agency, form, &problems).await,
        Err(e) => Err(e.into()),
    }
}

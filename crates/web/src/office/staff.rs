//! `GET /quan-tri/can-bo` and `POST /quan-tri/can-bo`: a system or agency
//! administrator sees the officials of an agency they manage, with their
//! roles, and adds one — who gets the mail to set their own password.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use motcua_app::AppError;
use motcua_app::office::admins::{self, OfficialDetails};
use motcua_domain::lifecycle::Role;
use motcua_store::AgencyId;
use serde::Deserialize;

use crate::csrf::Posted;
use crate::error::WebError;
use crate::page::{PageCtx, render};
use crate::portal::form::Errors;
use crate::state::AppState;
use crate::visitor::OfficialVisitor;

/// A row of the officials' table.
pub(crate) struct Member {
    name: String,
    email: String,
    roles: String,
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
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct StaffQuery {
    #[serde(default)]
    co_quan: Option<String>,
    #[serde(default)]
    them: Option<String>,
}

fn role_label(lang: motcua_i18n::Lang, role: Role) -> String {
    super::actions::capitalised(&lang.tr(&format!("role-{}", role.key())))
}

async fn staff_page(
    state: &AppState,
    who: &OfficialVisitor,
    ctx: PageCtx,
    wanted: Option<AgencyId>,
    values: BTreeMap<String, String>,
    errors: Errors,
    added: Option<String>,
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
    let members = admins::staff(svc, &who.official, agency.id)
        .await?
        .into_iter()
        .map(|m| Member {
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
    let roles = admins::grantable(&who.official, agency.id)
        .into_iter()
        .map(|r| {
            let checked = values.contains_key(&format!("role-{}", r.key()));
            (r.key(), role_label(lang, r), checked)
        })
        .collect();
    Ok(StaffPage {
        agencies: managed
            .iter()
            .map(|a| (a.id.to_string(), a.name.clone()))
            .collect(),
        agency: agency.id.to_string(),
        agency_name: agency.name.clone(),
        members,
        roles,
        values,
        errors,
        added,
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
        BTreeMap::new(),
        Errors::none(),
        query.them,
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
    let lang = ctx.lang();
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
            let errors = Errors::from_problems(lang, &problems);
            let page = staff_page(&state, &who, ctx, Some(agency), form, errors, None).await?;
            render(lang, StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

//! `GET /dia-chi/xa?ten=home.commune&home.province=82`: the commune picker
//! of an address, for a province just chosen (htmx swaps it into the page;
//! without JavaScript the page reloads with the same list instead).

use std::collections::BTreeMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use motcua_domain::address::{ProvinceCode, Units};

use super::form::input_id;
use crate::error::WebError;
use crate::extract::Query;
use crate::page::{PageCtx, render};

#[derive(Template)]
#[template(path = "portal/communes.html")]
struct CommunesFragment {
    ctx: PageCtx,
    id: String,
    name: String,
    communes: Vec<(String, String)>,
}

/// The longest input name taken (`delivery.commune`, a field id + part).
const MAX_NAME: usize = 100;

pub(crate) async fn communes(
    ctx: PageCtx,
    Query(params): Query<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let name = params.get("ten").cloned().unwrap_or_default();
    let valid_name = !name.is_empty()
        && name.len() <= MAX_NAME
        && name.ends_with(".commune")
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
    if !valid_name {
        return Err(WebError::BadRequest {
            reason: "ten must name a commune input (`field.commune`)".into(),
        });
    }
    let units = Units::bundled().map_err(WebError::internal)?;
    // The province comes as the value of the select that changed.
    let province = params
        .iter()
        .find(|(k, _)| k.ends_with(".province"))
        .and_then(|(_, v)| v.parse::<ProvinceCode>().ok());
    let communes = province
        .map(|code| {
            units
                .communes_of(code)
                .into_iter()
                .map(|c| (c.code.to_string(), c.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let lang = ctx.lang();
    render(
        lang,
        StatusCode::OK,
        &CommunesFragment {
            ctx,
            id: input_id(&name),
            name,
            communes,
        },
    )
}

//! What the post costs and how long it takes, shown to the applicant
//! before they submit a dossier whose result goes by post (QĐ 45/2016
//! Art. 12: the citizen pays the postage; TT 17/2017 Art. 7: J + n).

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::address::{CommuneCode, Units};
use motcua_domain::calendar::{self, Verification};
use motcua_domain::catalog::{Competent, Procedure};
use motcua_domain::postal::{self, EstimateRequest, Route, RouteClass, Tariff, Vnd};
use motcua_store::{Delivery, Draft};

use crate::apply::{self, inputs};
use crate::{AppError, Services};

/// The return leg of a dossier, before it is submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub route: Route,
    /// n of J + n, in working days.
    pub days: u32,
    /// One leg's postage for a dossier's result (the tariff's lightest
    /// band), paid by the applicant.
    pub postage: Vnd,
    /// Whether the tariff is the deployment's own published price; when
    /// not, the page says it is for reference.
    pub tariff_verified: bool,
    /// An end of the route is not known yet (no commune chosen): the
    /// longest class is taken, the latest date the rules allow.
    pub assumed_longest: bool,
    /// The estimated day the result reaches the applicant, submitting now.
    pub ready: NaiveDate,
}

/// The route the post carries a result on, from the deciding agency's
/// commune to the delivery address's, by the route rules of
/// `data/postal/routes.toml`; when either end is unknown (an agency whose
/// office is not recorded, an address kept as text) the longest class, and
/// `true`.
pub fn route_between(
    from: Option<CommuneCode>,
    to: Option<CommuneCode>,
) -> Result<(Route, bool), AppError> {
    let longest = (Route::of_class(RouteClass::InterProvince), true);
    let (Some(from), Some(to)) = (from, to) else {
        return Ok(longest);
    };
    let units = Units::bundled().map_err(|e| AppError::Internal(e.to_string()))?;
    let rules = postal::RouteRules::bundled().map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(rules
        .route_between(units, from, to)
        .map(|route| (route, false))
        .unwrap_or(longest))
}

/// One leg's postage for a dossier on `route` (the tariff's lightest
/// band), and whether the tariff is the deployment's own.
pub fn postage_of(route: Route) -> Result<(Vnd, bool), AppError> {
    let tariff = Tariff::bundled().map_err(|e| AppError::Internal(e.to_string()))?;
    let postage = tariff
        .postage(route.class, 0)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((postage, tariff.status() == Verification::Verified))
}

/// The quote for `draft` of `procedure` submitted at `now`: none unless its
/// result goes by post to an agency that can be known (the one the catalog
/// names, or the one the applicant chose).
pub async fn quote(
    svc: &Services,
    draft: &Draft,
    procedure: &Procedure,
    now: DateTime<Utc>,
) -> Result<Option<Quote>, AppError> {
    if draft.delivery != Some(Delivery::Post) {
        return Ok(None);
    }
    let deciding = match &procedure.competent {
        Competent::Agency(identifier) => apply::agency_now(svc, identifier).await?,
        Competent::Level(_) => match draft.inputs.get(inputs::AGENCY).map(|s| s.trim()) {
            Some(chosen) if !chosen.is_empty() => apply::agency_now(svc, chosen).await?,
            _ => None,
        },
    };
    let Some(deciding) = deciding else {
        return Ok(None);
    };
    let to = draft
        .inputs
        .get(&format!("{}.commune", inputs::DELIVERY_ADDRESS))
        .and_then(|c| c.trim().parse::<CommuneCode>().ok());
    let (route, assumed_longest) = route_between(deciding.commune, to)?;
    let (postage, tariff_verified) = postage_of(route)?;
    let calendar = apply::work_calendar(svc).await?;
    let estimate = postal::estimate(
        &calendar,
        &deciding.office_hours,
        &EstimateRequest {
            submitted: calendar::to_local(now),
            processing: procedure.processing_time,
            pickup: None,
            delivery: Some(route),
        },
    )?;
    Ok(Some(Quote {
        days: route.days(false),
        route,
        postage,
        tariff_verified,
        assumed_longest,
        ready: estimate.ready,
    }))
}

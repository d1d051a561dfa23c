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

/// One leg by post, before the dossier is submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegQuote {
    pub route: Route,
    /// n of J + n, in working days.
    pub days: u32,
    /// The leg's postage (the tariff's lightest band), paid by the
    /// applicant.
    pub postage: Vnd,
    /// An end of the route is not known yet (no commune chosen): the
    /// longest class is taken, the latest date the rules allow.
    pub assumed_longest: bool,
}

/// What the post costs and takes for a dossier, before it is submitted:
/// the collection of its papers, the delivery of its result, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub pickup: Option<LegQuote>,
    pub delivery: Option<LegQuote>,
    /// Whether the tariff is the deployment's own published price; when
    /// not, the page says it is for reference.
    pub tariff_verified: bool,
    /// The estimated day the result reaches the applicant, submitting now
    /// (both legs' J + n counted; the legal due date counts neither).
    pub ready: NaiveDate,
}

impl Quote {
    /// Whether an end of either leg was not known.
    pub fn assumed_longest(&self) -> bool {
        self.pickup
            .iter()
            .chain(&self.delivery)
            .any(|l| l.assumed_longest)
    }
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

/// The quote for `draft` of `procedure` submitted at `now`: none unless
/// its papers or its result go by post, between the applicant's address
/// and an agency that can be known (the one the catalog names, or the one
/// the applicant chose; the papers go to its one-stop unit).
pub async fn quote(
    svc: &Services,
    draft: &Draft,
    procedure: &Procedure,
    now: DateTime<Utc>,
) -> Result<Option<Quote>, AppError> {
    let by_post = apply::sent_by_post(draft) && procedure.by_post;
    let result_by_post = draft.delivery == Some(Delivery::Post);
    if !by_post && !result_by_post {
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
    let home = draft
        .inputs
        .get(&format!("{}.commune", inputs::DELIVERY_ADDRESS))
        .and_then(|c| c.trim().parse::<CommuneCode>().ok());
    let mut tariff_verified = true;
    let mut leg = |from, to, with_appointment: bool| -> Result<LegQuote, AppError> {
        let (route, assumed_longest) = route_between(from, to)?;
        let (postage, verified) = postage_of(route)?;
        tariff_verified &= verified;
        Ok(LegQuote {
            days: route.days(with_appointment),
            route,
            postage,
            assumed_longest,
        })
    };
    let pickup = match by_post {
        true => {
            let receiving = apply::receiving_unit(svc, &deciding).await?;
            Some(leg(home, receiving.commune, false)?)
        }
        false => None,
    };
    let delivery = match result_by_post {
        true => Some(leg(deciding.commune, home, false)?),
        false => None,
    };
    let calendar = apply::work_calendar(svc).await?;
    let estimate = postal::estimate(
        &calendar,
        &deciding.office_hours,
        &EstimateRequest {
            submitted: calendar::to_local(now),
            processing: procedure.processing_time,
            pickup: pickup.as_ref().map(|l| l.route),
            delivery: delivery.as_ref().map(|l| l.route),
        },
    )?;
    Ok(Some(Quote {
        pickup,
        delivery,
        tariff_verified,
        ready: estimate.ready,
    }))
}

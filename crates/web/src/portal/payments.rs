//! Paying fees online: the checkout (one payment per collecting agency),
//! the trip to the provider and back, the provider's notification (IPN),
//! the built-in sandbox gateway, and the fee receipt.

use std::net::SocketAddr;

use askama::Template;
use axum::Json;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use motcua_app::payments::{self, CheckoutLine, Fees, sandbox};
use motcua_app::{AppError, Services};
use motcua_domain::forms::Problem;
use motcua_store::{CheckoutId, DossierId, Payment, PaymentState};
use serde::Serialize;

use super::account::see_other;
use super::apply::draft_id;
use super::words;
use crate::csrf::Posted;
use crate::error::WebError;
use crate::page::{PageCtx, render};
use crate::state::AppState;
use crate::visitor::{Applicant, Visitor};

/// A payment as the pages list it.
pub(crate) struct PaymentLine {
    pub reference: String,
    pub beneficiary: String,
    pub codes: String,
    pub amount: String,
    pub state: String,
    /// May be paid (again) now.
    pub payable: bool,
    /// The receipt's number, once settled.
    pub receipt: Option<String>,
}

impl PaymentLine {
    pub(crate) fn of(ctx: &PageCtx, payment: &Payment, beneficiary: String, codes: String) -> Self {
        let lang = ctx.lang();
        PaymentLine {
            reference: payment.reference.clone(),
            beneficiary,
            codes,
            amount: words::vnd(payment.amount_vnd),
            state: lang.tr(&format!("payment-state-{}", payment.state.key())),
            payable: payment.state != PaymentState::Settled,
            receipt: payment.receipt.as_ref().map(ToString::to_string),
        }
    }
}

/// What a dossier page shows of its fees.
pub(crate) struct FeesView {
    /// (fee, count, amount).
    pub owed: Vec<(String, u32, String)>,
    pub total: String,
    pub online: bool,
    pub payments: Vec<PaymentLine>,
}

impl FeesView {
    pub(crate) fn of(ctx: &PageCtx, fees: &Fees) -> Self {
        FeesView {
            owed: fees
                .owed
                .iter()
                .map(|f| (f.fee.clone(), f.count, words::vnd(f.amount_vnd)))
                .collect(),
            total: words::vnd(fees.total_owed()),
            online: fees.online,
            // What was paid, with its receipt; attempts still open or
            // failed are the checkout page's.
            payments: fees
                .payments
                .iter()
                .filter(|p| p.state == PaymentState::Settled)
                .map(|p| PaymentLine::of(ctx, p, String::new(), String::new()))
                .collect(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.owed.is_empty() && self.payments.is_empty()
    }
}

fn checkout_id(s: &str) -> Result<CheckoutId, WebError> {
    s.parse()
        .map_err(|_| WebError::from(AppError::NotFound("payment")))
}

/// `POST /thanh-toan`: a checkout of the dossiers ticked (`ho_so`, once
/// each), or of one (`POST /ho-so/{id}/nop-phi`).
pub(crate) async fn start(
    State(state): State<AppState>,
    applicant: Applicant,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let ids = form
        .iter()
        .filter(|(k, _)| k == "ho_so")
        .map(|(_, v)| draft_id(v))
        .collect::<Result<Vec<DossierId>, _>>()?;
    checkout(svc, &applicant, &ids).await
}

/// `POST /ho-so/{id}/nop-phi`.
pub(crate) async fn start_one(
    State(state): State<AppState>,
    applicant: Applicant,
    Path(id): Path<String>,
    Posted(_): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    checkout(svc, &applicant, &[draft_id(&id)?]).await
}

async fn checkout(
    svc: &Services,
    applicant: &Applicant,
    ids: &[DossierId],
) -> Result<Response, WebError> {
    match payments::checkout(svc, applicant.user(), ids, Utc::now()).await {
        Ok(checkout) => Ok(see_other(&format!("/thanh-toan/{checkout}"))),
        // Nothing to pay (paid meanwhile, or not payable online): back to
        // the dossier, which says why.
        Err(AppError::Invalid(problems))
            if ids.len() == 1 && problems.iter().all(|p| p.problem == Problem::NotAnOption) =>
        {
            Ok(see_other(&format!("/ho-so/{}", ids[0])))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "portal/checkout.html")]
struct CheckoutPage {
    ctx: PageCtx,
    sandbox: bool,
    lines: Vec<PaymentLine>,
    total: String,
}

/// `GET /thanh-toan/{checkout}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    Path(checkout): Path<String>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let lines = payments::checkout_of(svc, applicant.user(), checkout_id(&checkout)?).await?;
    let total = lines.iter().map(|l| l.payment.amount_vnd).sum();
    let lines = lines
        .iter()
        .map(
            |CheckoutLine {
                 payment,
                 beneficiary,
                 codes,
             }| {
                PaymentLine::of(
                    &ctx,
                    payment,
                    beneficiary
                        .as_ref()
                        .map(|a| a.name.clone())
                        .unwrap_or_default(),
                    codes.join(", "),
                )
            },
        )
        .collect();
    let lang = ctx.lang();
    let page = CheckoutPage {
        sandbox: svc.payments.name() == "sandbox",
        lines,
        total: words::vnd(total),
        ctx,
    };
    render(lang, StatusCode::OK, &page)
}

/// The payer's address for the gateway: the first hop a proxy names, else
/// the peer.
fn client_ip(headers: &HeaderMap, peer: Option<SocketAddr>) -> String {
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
        .map(str::to_owned)
        .or_else(|| peer.map(|p| p.ip().to_string()))
        .unwrap_or_else(|| "127.0.0.1".to_owned())
}

/// `POST /thanh-toan/giao-dich/{reference}`: off to the provider.
pub(crate) async fn go_pay(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    headers: HeaderMap,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    Path(reference): Path<String>,
    Posted(_): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let ip = client_ip(&headers, peer.map(|axum::Extension(ConnectInfo(p))| p));
    let english = ctx.lang() == motcua_i18n::Lang::En;
    let url =
        payments::pay_url(svc, applicant.user(), &reference, &ip, english, Utc::now()).await?;
    Ok(see_other(&url))
}

fn pairs(query: Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

#[derive(Template)]
#[template(path = "portal/paid.html")]
struct PaidPage {
    ctx: PageCtx,
    line: PaymentLine,
    /// The provider said it was paid, but its notice has not come yet.
    waiting: bool,
    checkout: String,
}

/// `GET /thanh-toan/ket-qua`: the provider sends the payer back here.
pub(crate) async fn returned(
    State(state): State<AppState>,
    applicant: Applicant,
    ctx: PageCtx,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let (payment, said_paid) = payments::returned(svc, applicant.user(), &pairs(query)).await?;
    let beneficiary = svc
        .store
        .agency(payment.beneficiary)
        .await
        .map_err(AppError::from)?
        .map(|a| a.name)
        .unwrap_or_default();
    let lang = ctx.lang();
    let page = PaidPage {
        waiting: said_paid && payment.state == PaymentState::Pending,
        checkout: payment.checkout.to_string(),
        line: PaymentLine::of(&ctx, &payment, beneficiary, String::new()),
        ctx,
    };
    render(lang, StatusCode::OK, &page)
}

#[derive(Serialize)]
struct IpnBody {
    #[serde(rename = "RspCode")]
    code: &'static str,
    #[serde(rename = "Message")]
    message: &'static str,
}

/// `GET /thanh-toan/vnpay/ipn`: the gateway's server-to-server notice,
/// answered in its own JSON (always 200: the code says what happened).
pub(crate) async fn ipn(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let answer = payments::notify(svc, &pairs(query), Utc::now()).await;
    Ok(Json(IpnBody {
        code: answer.code,
        message: answer.message,
    })
    .into_response())
}

#[derive(Template)]
#[template(path = "portal/sandbox.html")]
struct SandboxPage {
    ctx: PageCtx,
    reference: String,
    amount: String,
    info: String,
    query: String,
}

/// `GET /thanh-toan/thu-nghiem`: the sandbox gateway's page.
pub(crate) async fn sandbox_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let query = query.unwrap_or_default();
    let order = sandbox::order(svc, &pairs(Some(query.clone()))).await?;
    let lang = ctx.lang();
    let page = SandboxPage {
        reference: order.reference,
        amount: words::vnd(order.amount_vnd),
        info: order.info,
        query,
        ctx,
    };
    render(lang, StatusCode::OK, &page)
}

/// `POST /thanh-toan/thu-nghiem`: pay (`tra=1`) or cancel, in the sandbox.
pub(crate) async fn sandbox_pay(
    State(state): State<AppState>,
    Posted(form): Posted<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let paid = field("tra").as_deref() == Some("1");
    let url = sandbox::pay(svc, &pairs(field("q")), paid, Utc::now()).await?;
    Ok(see_other(&url))
}

/// The receipt of `reference` for whoever asks: its payer, or an official
/// who can see one of the dossiers it covers.
async fn receipt_for(
    svc: &Services,
    visitor: &Visitor,
    reference: &str,
) -> Result<motcua_domain::printout::Printout, WebError> {
    let user = visitor
        .user()
        .ok_or(WebError::from(AppError::NotFound("payment")))?;
    let payment = svc
        .store
        .payment_by_reference(reference)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound("payment"))?;
    let mut may = payment.payer == user.id;
    if !may && let Ok(official) = motcua_app::office::Official::of(svc, user.clone()).await {
        for d in payment.dossiers() {
            if motcua_app::office::scope::visible(svc, &official, d)
                .await
                .is_ok()
            {
                may = true;
                break;
            }
        }
    }
    if !may {
        return Err(AppError::NotFound("payment").into());
    }
    Ok(payments::receipt(svc, &payment).await?)
}

/// `GET /thanh-toan/giao-dich/{reference}/bien-lai`.
pub(crate) async fn receipt(
    State(state): State<AppState>,
    visitor: Visitor,
    ctx: PageCtx,
    Path(reference): Path<String>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let printout = receipt_for(svc, &visitor, &reference).await?;
    let back = if ctx.official() { "/can-bo" } else { "/ho-so" };
    crate::printouts::print_page(
        ctx,
        printout,
        back.to_owned(),
        format!("/thanh-toan/giao-dich/{reference}/bien-lai/pdf"),
    )
}

/// `GET /thanh-toan/giao-dich/{reference}/bien-lai/pdf`.
pub(crate) async fn receipt_pdf(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(reference): Path<String>,
) -> Result<Response, WebError> {
    let svc = state.require_services()?;
    let printout = receipt_for(svc, &visitor, &reference).await?;
    crate::printouts::pdf_of(&state, printout).await
}

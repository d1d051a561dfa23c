//! The built-in sandbox gateway: a page of this portal that plays VNPay's
//! part. It checks the signed payment URL as the gateway would, lets the
//! payer pay or cancel, sends the signed notice to [`notify`] as the
//! gateway's IPN call would (in-process), and sends the browser back with
//! the signed return. No money moves; the receipt says so.
//!
//! It answers only while the sandbox is the provider: with the gateway
//! configured, these pages do not exist.

use chrono::{DateTime, Utc};

use super::notify::notify;
use super::provider::{SANDBOX_SECRET, SANDBOX_TMN_CODE};
use super::vnpay;
use crate::{AppError, Services};
use motcua_store::PaymentState;

/// What the sandbox page shows: the order as the signed URL carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxOrder {
    pub reference: String,
    pub amount_vnd: u64,
    pub info: String,
}

fn active(svc: &Services) -> Result<(), AppError> {
    if svc.payments.name() == "sandbox" {
        Ok(())
    } else {
        Err(AppError::NotFound("payment"))
    }
}

/// Reads the payment URL's parameters as the gateway would: signed by our
/// merchant, for an open payment of ours at its amount. What the page
/// shows comes from the record, not from the URL (whose key is public).
pub async fn order(svc: &Services, params: &[(String, String)]) -> Result<SandboxOrder, AppError> {
    active(svc)?;
    let get = |name| vnpay::param(params, name).unwrap_or_default();
    if !vnpay::verify(params, SANDBOX_SECRET) || get("vnp_TmnCode") != SANDBOX_TMN_CODE {
        return Err(AppError::NotFound("payment"));
    }
    let payment = svc
        .store
        .payment_by_reference(get("vnp_TxnRef"))
        .await?
        .filter(|p| {
            p.state == PaymentState::Pending
                && vnpay::parse_amount(get("vnp_Amount")) == Some(p.amount_vnd)
        })
        .ok_or(AppError::NotFound("payment"))?;
    let codes = super::codes_of(svc, &payment).await?;
    Ok(SandboxOrder {
        reference: payment.reference,
        amount_vnd: payment.amount_vnd,
        info: codes.join(", "),
    })
}

/// The payer paid (or cancelled): the notice goes to [`notify`], and the
/// browser is sent back to the portal's return page with it. The return
/// page is always this portal's, whatever the URL said (the sandbox's key
/// is public, so the URL could name any site).
pub async fn pay(
    svc: &Services,
    params: &[(String, String)],
    paid: bool,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let order = order(svc, params).await?;
    let code = if paid {
        vnpay::SUCCESS
    } else {
        vnpay::CANCELLED
    };
    let amount = vnpay::amount(order.amount_vnd).ok_or(AppError::NotFound("payment"))?;
    let transaction = format!("{}", fastrand::u64(10_000_000..100_000_000));
    let notice: Vec<(String, String)> = [
        ("vnp_Amount", amount),
        ("vnp_BankCode", "MOTCUA".to_owned()),
        ("vnp_CardType", "SANDBOX".to_owned()),
        ("vnp_OrderInfo", order.info),
        ("vnp_PayDate", vnpay::timestamp(now)),
        ("vnp_ResponseCode", code.to_owned()),
        ("vnp_TmnCode", SANDBOX_TMN_CODE.to_owned()),
        ("vnp_TransactionNo", transaction),
        (
            "vnp_TransactionStatus",
            if paid { "00" } else { "02" }.to_owned(),
        ),
        ("vnp_TxnRef", order.reference),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let query = vnpay::signed_query(&notice, SANDBOX_SECRET);
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let answer = notify(svc, &pairs, now).await;
    tracing::info!(code = answer.code, "sandbox payment notice answered");
    Ok(format!(
        "{}?{query}",
        svc.settings.link("/thanh-toan/ket-qua")
    ))
}

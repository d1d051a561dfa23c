//! Who takes the money: a [`PaymentProvider`]. Two speak VNPay's redirect
//! protocol ([`super::vnpay`]): the gateway itself, configured by
//! environment, and the built-in sandbox (the default), whose "gateway" is
//! a page of this portal signing with a key everyone knows — so the whole
//! flow, signatures included, runs on one machine with no money moving.

use chrono::{DateTime, Utc};

use super::vnpay::{self, Merchant};

/// The sandbox's well-known merchant: not a secret, it guards no money.
pub const SANDBOX_TMN_CODE: &str = "MOTCUA01";
pub const SANDBOX_SECRET: &str = "motcua-sandbox-not-a-secret";
/// Where the sandbox's payment page is served.
pub const SANDBOX_PATH: &str = "/thanh-toan/thu-nghiem";

/// An order to pay: what the payer's browser carries to the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub reference: String,
    pub amount_vnd: u64,
    /// What is paid for, without diacritics (the gateway shows it).
    pub info: String,
    /// Where the payer's browser comes back.
    pub return_url: String,
    /// The payer's address as the portal saw it.
    pub ip: String,
    pub created_at: DateTime<Utc>,
    /// How long the payer has to pay.
    pub expires_at: DateTime<Utc>,
    /// `vn` or `en`.
    pub locale: &'static str,
}

/// What a verified notice says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub reference: String,
    pub amount_vnd: u64,
    /// Whether the money was taken.
    pub paid: bool,
    /// The provider's response code, as it sent it.
    pub code: String,
    /// The provider's transaction number.
    pub transaction: String,
    /// When the provider says it was paid.
    pub paid_at: Option<DateTime<Utc>>,
}

/// Why a notice is not believed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeProblem {
    #[error("the signature does not match")]
    Signature,
    #[error("the notice is for another merchant")]
    Merchant,
    #[error("the notice lacks or garbles `{0}`")]
    Malformed(&'static str),
    #[error("the notice is not in đồng")]
    Currency,
}

/// A payment provider.
pub trait PaymentProvider: Send + Sync + std::fmt::Debug {
    /// Its name, kept on each payment (`sandbox`, `vnpay`).
    fn name(&self) -> &'static str;
    /// Where to send the payer to pay `order`.
    fn pay_url(&self, order: &Order) -> Result<String, NoticeProblem>;
    /// Reads and verifies a notice (the IPN call, or the browser's return).
    fn read_notice(&self, params: &[(String, String)]) -> Result<Notice, NoticeProblem>;
    /// Whether it gives money back by itself: the sandbox does; through
    /// the gateway, the collecting agency pays refunds back by transfer
    /// (VNPay's refund API is not spoken yet) and the refund is recorded
    /// without a provider reference.
    fn refunds_itself(&self) -> bool;
    /// Whether payments can be made through it at all.
    fn takes_payments(&self) -> bool {
        true
    }
}

/// No provider: online payment is off (no gateway configured, and the
/// sandbox not asked for). Fees are shown, and paid at the counter.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPayments;

impl PaymentProvider for NoPayments {
    fn name(&self) -> &'static str {
        "none"
    }

    fn pay_url(&self, _: &Order) -> Result<String, NoticeProblem> {
        Err(NoticeProblem::Merchant)
    }

    fn read_notice(&self, _: &[(String, String)]) -> Result<Notice, NoticeProblem> {
        Err(NoticeProblem::Merchant)
    }

    fn refunds_itself(&self) -> bool {
        false
    }

    fn takes_payments(&self) -> bool {
        false
    }
}

/// A provider speaking VNPay's protocol.
#[derive(Debug, Clone)]
pub struct VnPay {
    name: &'static str,
    merchant: Merchant,
}

impl VnPay {
    /// The VNPay gateway for `merchant`.
    pub fn gateway(merchant: Merchant) -> Self {
        VnPay {
            name: "vnpay",
            merchant,
        }
    }

    /// The built-in sandbox, its page under `public_url`.
    pub fn sandbox(public_url: &str) -> Self {
        VnPay {
            name: "sandbox",
            merchant: Merchant {
                tmn_code: SANDBOX_TMN_CODE.to_owned(),
                secret: SANDBOX_SECRET.to_owned(),
                pay_url: format!("{}{SANDBOX_PATH}", public_url.trim_end_matches('/')),
            },
        }
    }

    pub fn merchant(&self) -> &Merchant {
        &self.merchant
    }
}

impl PaymentProvider for VnPay {
    fn name(&self) -> &'static str {
        self.name
    }

    fn pay_url(&self, order: &Order) -> Result<String, NoticeProblem> {
        let amount = vnpay::amount(order.amount_vnd).ok_or(NoticeProblem::Malformed("amount"))?;
        let params: Vec<(String, String)> = [
            ("vnp_Version", vnpay::VERSION.to_owned()),
            ("vnp_Command", "pay".to_owned()),
            ("vnp_TmnCode", self.merchant.tmn_code.clone()),
            ("vnp_Amount", amount),
            ("vnp_CurrCode", "VND".to_owned()),
            ("vnp_TxnRef", order.reference.clone()),
            ("vnp_OrderInfo", order.info.clone()),
            // "other": VNPay's category for payments that fit no other.
            ("vnp_OrderType", "other".to_owned()),
            ("vnp_Locale", order.locale.to_owned()),
            ("vnp_ReturnUrl", order.return_url.clone()),
            ("vnp_IpAddr", order.ip.clone()),
            ("vnp_CreateDate", vnpay::timestamp(order.created_at)),
            ("vnp_ExpireDate", vnpay::timestamp(order.expires_at)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        Ok(format!(
            "{}?{}",
            self.merchant.pay_url,
            vnpay::signed_query(&params, &self.merchant.secret)
        ))
    }

    fn read_notice(&self, params: &[(String, String)]) -> Result<Notice, NoticeProblem> {
        if !vnpay::verify(params, &self.merchant.secret) {
            return Err(NoticeProblem::Signature);
        }
        let get = |name: &'static str| {
            vnpay::param(params, name)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .ok_or(NoticeProblem::Malformed(name))
        };
        if get("vnp_TmnCode")? != self.merchant.tmn_code {
            return Err(NoticeProblem::Merchant);
        }
        // The notice need not name the currency; when it does, it is đồng.
        if vnpay::param(params, "vnp_CurrCode").is_some_and(|c| c != "VND") {
            return Err(NoticeProblem::Currency);
        }
        let amount_vnd = vnpay::parse_amount(get("vnp_Amount")?)
            .ok_or(NoticeProblem::Malformed("vnp_Amount"))?;
        let code = get("vnp_ResponseCode")?.to_owned();
        // Paid when both the response and the transaction say so.
        let status = vnpay::param(params, "vnp_TransactionStatus").unwrap_or(&code);
        Ok(Notice {
            reference: get("vnp_TxnRef")?.to_owned(),
            amount_vnd,
            paid: code == vnpay::SUCCESS && status == vnpay::SUCCESS,
            code,
            transaction: vnpay::param(params, "vnp_TransactionNo")
                .unwrap_or_default()
                .to_owned(),
            paid_at: vnpay::param(params, "vnp_PayDate").and_then(vnpay::parse_timestamp),
        })
    }

    fn refunds_itself(&self) -> bool {
        self.name == "sandbox"
    }
}

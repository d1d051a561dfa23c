//! VNPay's redirect protocol, version 2.1.0: the payment URL the payer's
//! browser is sent to, and the notices (the server-to-server IPN and the
//! browser's return) that come back, both signed.
//!
//! The signature is HMAC-SHA512, keyed with the merchant's hash secret,
//! over the parameters sorted by name, each name and value
//! form-urlencoded (a space is `+`) and joined as `name=value&…`, without
//! `vnp_SecureHash` and `vnp_SecureHashType`; hex. The test vectors in
//! `tests/app/payments.rs` were computed with Python's `hmac` from that
//! description (`tools/vnpay-vectors/vectors.py`), not by this code.
//!
//! Amounts travel in hundredths of a đồng (VNPay multiplies by 100); times
//! as `yyyyMMddHHmmss` in Vietnam's time (UTC+7).

use chrono::{DateTime, NaiveDateTime, Utc};
use motcua_domain::calendar;
use ring::hmac;
use url::form_urlencoded::byte_serialize;

/// The protocol version spoken.
pub const VERSION: &str = "2.1.0";
/// The parameter carrying the signature.
pub const SECURE_HASH: &str = "vnp_SecureHash";
const SECURE_HASH_TYPE: &str = "vnp_SecureHashType";
/// The response code of a successful payment (`vnp_ResponseCode`,
/// `vnp_TransactionStatus`).
pub const SUCCESS: &str = "00";
/// The response code of a payment the payer cancelled.
pub const CANCELLED: &str = "24";

/// A merchant's credentials with the gateway.
#[derive(Clone)]
pub struct Merchant {
    /// `vnp_TmnCode`: the merchant's terminal.
    pub tmn_code: String,
    /// The hash secret shared with the gateway.
    pub secret: String,
    /// Where payers are sent to pay.
    pub pay_url: String,
}

impl std::fmt::Debug for Merchant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("Merchant")
            .field("tmn_code", &self.tmn_code)
            .field("pay_url", &self.pay_url)
            .finish()
    }
}

/// One form-urlencoded component.
fn encode(s: &str) -> String {
    byte_serialize(s.as_bytes()).collect()
}

/// The string that is signed: the protocol's parameters (`vnp_…`) other
/// than the signature, sorted by name, encoded, joined. A parameter sent
/// empty is signed empty, as the gateway's own samples do.
pub fn canonical(params: &[(String, String)]) -> String {
    let mut signed: Vec<&(String, String)> = params
        .iter()
        .filter(|(k, _)| k.starts_with("vnp_") && k != SECURE_HASH && k != SECURE_HASH_TYPE)
        .collect();
    signed.sort_by(|a, b| a.0.cmp(&b.0));
    signed
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The signature of `params` under `secret`, in lower-case hex.
pub fn sign(params: &[(String, String)], secret: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA512, secret.as_bytes());
    hex::encode(hmac::sign(&key, canonical(params).as_bytes()).as_ref())
}

/// Whether `params` carry a valid signature under `secret` (compared in
/// constant time; hex in either case).
pub fn verify(params: &[(String, String)], secret: &str) -> bool {
    let Some((_, given)) = params.iter().find(|(k, _)| k == SECURE_HASH) else {
        return false;
    };
    let Ok(tag) = hex::decode(given.trim()) else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA512, secret.as_bytes());
    hmac::verify(&key, canonical(params).as_bytes(), &tag).is_ok()
}

/// `params` with their signature appended, as a query string.
pub fn signed_query(params: &[(String, String)], secret: &str) -> String {
    let hash = sign(params, secret);
    let mut pairs: Vec<(String, String)> = params.to_vec();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs.push((SECURE_HASH.to_owned(), hash));
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// An instant as the protocol writes it.
pub fn timestamp(at: DateTime<Utc>) -> String {
    calendar::to_local(at).format("%Y%m%d%H%M%S").to_string()
}

/// An instant the protocol wrote.
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S").ok()?;
    local
        .and_local_timezone(calendar::vn_offset())
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// An amount in đồng as the protocol writes it (× 100).
pub fn amount(vnd: u64) -> Option<String> {
    vnd.checked_mul(100).map(|a| a.to_string())
}

/// An amount the protocol wrote, in đồng: whole đồng only.
pub fn parse_amount(s: &str) -> Option<u64> {
    let hundredths: u64 = s.parse().ok()?;
    hundredths.is_multiple_of(100).then_some(hundredths / 100)
}

/// The value of a parameter.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

//! The signature of a status push from a postal operator's system
//! (picked up, handed over, delivered, not delivered), checked before
//! anything in the body is believed.
//!
//! The operator signs each request with the secret it shares with the
//! province: HMAC-SHA256 over `<timestamp>.<body>` — the
//! `X-Motcua-Timestamp` header (Unix seconds), a full stop, and the raw
//! body — sent in lower-case hex as `X-Motcua-Signature: sha256=<hex>`.
//! Signing the timestamp with the body means an old push cannot be sent
//! again with a fresh time: a push more than [`MAX_SKEW`] away from our
//! clock is refused, and within that window the caller refuses a
//! signature it has seen (the replay guard lives with the record).
//!
//! The vector in the tests was computed with Python's `hmac` from this
//! description (`tools/postal-push-vectors/vectors.py`), not by this code.

use chrono::{DateTime, TimeDelta, Utc};
use ring::hmac;

/// The header carrying the signing time, in Unix seconds.
pub const TIMESTAMP_HEADER: &str = "x-motcua-timestamp";
/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-motcua-signature";
/// How far a push's signing time may be from our clock, either way.
pub const MAX_SKEW: TimeDelta = TimeDelta::minutes(5);

/// Why a push is not believed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushProblem {
    /// A header is missing or not in its form.
    #[error("the {0} header is missing or malformed")]
    Malformed(&'static str),
    /// The signature is not the operator's over this time and body.
    #[error("the signature does not match")]
    Signature,
    /// Signed too long ago, or in the future (by `seconds`).
    #[error("signed {seconds} s away from our clock")]
    Stale { seconds: i64 },
}

/// The signature header's value for `body` signed at `timestamp` (Unix
/// seconds) with `secret`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let tag = hmac::sign(&key, &signed_bytes(&timestamp.to_string(), body));
    format!("sha256={}", hex(tag.as_ref()))
}

/// Checks a push: its signature over `timestamp` and `body` with `secret`
/// (in constant time), then its time against `now`. Answers the signing
/// time.
pub fn verify(
    secret: &[u8],
    timestamp: &str,
    signature: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, PushProblem> {
    let timestamp = timestamp.trim();
    let seconds: i64 = timestamp
        .parse()
        .map_err(|_| PushProblem::Malformed(TIMESTAMP_HEADER))?;
    let signed_at =
        DateTime::from_timestamp(seconds, 0).ok_or(PushProblem::Malformed(TIMESTAMP_HEADER))?;
    let tag = signature
        .trim()
        .strip_prefix("sha256=")
        .and_then(unhex)
        .ok_or(PushProblem::Malformed(SIGNATURE_HEADER))?;
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    hmac::verify(&key, &signed_bytes(timestamp, body), &tag).map_err(|_| PushProblem::Signature)?;
    let skew = now - signed_at;
    if skew.abs() > MAX_SKEW {
        return Err(PushProblem::Stale {
            seconds: skew.num_seconds(),
        });
    }
    Ok(signed_at)
}

fn signed_bytes(timestamp: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(timestamp.len() + 1 + body.len());
    bytes.extend_from_slice(timestamp.as_bytes());
    bytes.push(b'.');
    bytes.extend_from_slice(body);
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lower- or upper-case hex of 32 bytes (a SHA-256 tag).
fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// From `tools/postal-push-vectors/vectors.py` (checked by `.ci/run`).
    mod vectors {
        pub const SIGNATURE: &str =
            "sha256=aa566f6791c0d73f8d188fa0a5801dd2ceb9c4e844ab91ee3e89c65c739b8d02";
    }

    const SECRET: &[u8] = b"buu-dien-dong-thap-test-secret-0001";
    const TIMESTAMP: i64 = 1_772_416_800;
    const BODY: &str = r#"{"event_id":"VNP-EV-000123","waybill":"EE473124829VN","status":"delivered","at":"2026-03-02T08:55:00+07:00","recipient":"Trần Thị Bích"}"#;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    #[test]
    fn the_signature_is_the_one_computed_independently() {
        assert_eq!(sign(SECRET, TIMESTAMP, BODY.as_bytes()), vectors::SIGNATURE);
        let signed = verify(
            SECRET,
            "1772416800",
            vectors::SIGNATURE,
            BODY.as_bytes(),
            at(TIMESTAMP + 30),
        );
        assert_eq!(signed, Ok(at(TIMESTAMP)));
        // Upper-case hex is the same tag.
        let upper = format!("sha256={}", vectors::SIGNATURE[7..].to_ascii_uppercase());
        assert!(verify(SECRET, "1772416800", &upper, BODY.as_bytes(), at(TIMESTAMP)).is_ok());
    }

    #[test]
    fn a_changed_body_time_or_key_is_refused() {
        let now = at(TIMESTAMP);
        let tampered = BODY.replace("delivered", "returned");
        for (secret, timestamp, body) in [
            (SECRET, "1772416800", tampered.as_str()),
            (SECRET, "1772416801", BODY),
            (&b"another-secret"[..], "1772416800", BODY),
        ] {
            assert_eq!(
                verify(secret, timestamp, vectors::SIGNATURE, body.as_bytes(), now),
                Err(PushProblem::Signature)
            );
        }
    }

    #[test]
    fn a_push_signed_too_long_ago_or_ahead_is_refused() {
        let body = BODY.as_bytes();
        // Five minutes either way is accepted; a second more is not.
        for skew in [-300, 300] {
            assert!(
                verify(
                    SECRET,
                    "1772416800",
                    vectors::SIGNATURE,
                    body,
                    at(TIMESTAMP + skew)
                )
                .is_ok()
            );
        }
        assert_eq!(
            verify(
                SECRET,
                "1772416800",
                vectors::SIGNATURE,
                body,
                at(TIMESTAMP + 301)
            ),
            Err(PushProblem::Stale { seconds: 301 })
        );
        assert_eq!(
            verify(
                SECRET,
                "1772416800",
                vectors::SIGNATURE,
                body,
                at(TIMESTAMP - 301)
            ),
            Err(PushProblem::Stale { seconds: -301 })
        );
        // Re-signed now, the same body is believed again: the replay guard
        // is the caller's (a signature seen within the window).
        let fresh = sign(SECRET, TIMESTAMP + 3600, body);
        assert!(
            verify(
                SECRET,
                &(TIMESTAMP + 3600).to_string(),
                &fresh,
                body,
                at(TIMESTAMP + 3600)
            )
            .is_ok()
        );
    }

    #[test]
    fn malformed_headers_are_named() {
        let body = BODY.as_bytes();
        let now = at(TIMESTAMP);
        for timestamp in ["", "hôm nay", "1.5e9"] {
            assert_eq!(
                verify(SECRET, timestamp, vectors::SIGNATURE, body, now),
                Err(PushProblem::Malformed(TIMESTAMP_HEADER))
            );
        }
        for signature in [
            "",
            "aa566f67",
            "sha1=aa566f67",
            "sha256=zz",
            &vectors::SIGNATURE[..70],
        ] {
            assert_eq!(
                verify(SECRET, "1772416800", signature, body, now),
                Err(PushProblem::Malformed(SIGNATURE_HEADER))
            );
        }
    }
}

//! Secrets handed to people: session and API tokens, one-time links and
//! tracking PINs. Each comes from the operating system's random source; the
//! store keeps only its hash ([`motcua_store::TokenHash`]).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::AppError;

/// A token for a cookie or a link: 32 random bytes (256 bits), base64url.
pub fn token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("random source: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The number of digits of a tracking PIN.
pub const PIN_DIGITS: usize = 8;

/// A tracking PIN: eight random digits, easy to read out on the phone.
/// Guessing is what the per-code failure limit is for (at most a handful of
/// tries an hour against 10⁸ values).
pub fn pin() -> Result<String, AppError> {
    let mut out = String::with_capacity(PIN_DIGITS);
    while out.len() < PIN_DIGITS {
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte)
            .map_err(|e| AppError::Internal(format!("random source: {e}")))?;
        // 250 = 25 × 10: rejecting 250..=255 keeps every digit equally likely.
        if byte[0] < 250 {
            out.push(char::from(b'0' + byte[0] % 10));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_pins_have_their_shape_and_differ() {
        let (a, b) = (token().unwrap(), token().unwrap());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        let p = pin().unwrap();
        assert_eq!(p.len(), PIN_DIGITS);
        assert!(p.bytes().all(|c| c.is_ascii_digit()));
    }
}

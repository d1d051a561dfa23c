//! Who an applicant is: the personal identification number (*số định danh
//! cá nhân*, the number on the CCCD card) and a business's tax code.
//!
//! A personal number has 12 digits (Luật Căn cước 2023 Art. 12; TT 07/2016
//! Art. 7 for the layout): three for where the birth was registered — a
//! province code of the 63-province list of TT 07/2016 Annex 1, or a country
//! code for a birth registered abroad —, one for century and sex (0/1 born
//! in the 1900s, 2/3 in the 2000s, 4–9 later centuries), two for the year of
//! birth and six random digits.
//!
//! What is checked: twelve digits; a first group that is not `000` and not
//! one of the unassigned gaps in 001–096 (the province codes skip numbers:
//! there is no 003); a century digit of 0–3 (no one alive was born after
//! 2099). The country codes of Annex 2 are not listed here, so any first
//! group above 096 is accepted.
//!
//! A business tax code (*mã số thuế*, also its enterprise code) is 10 digits,
//! or 13 written `0123456789-001` for a dependent unit. Since 1 July 2025 a
//! person's tax code is their personal number, which [`TaxCode::parse`]
//! accepts too. The check digit of the 10-digit code is not verified: its
//! rule is not in our sources.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::message::{Message, MessageArg};

/// The province codes of TT 07/2016 Annex 1 (the 63 provinces before the
/// 2025 merger; a person keeps the code of where their birth was
/// registered).
const PROVINCE_CODES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// Why a number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("a personal identification number has 12 digits")]
    PersonalLength,
    #[error("the first three digits are not a place of birth registration")]
    PersonalPlace,
    #[error("the fourth digit (century and sex) must be 0 to 3")]
    PersonalCentury,
    #[error("a tax code has 10 digits, or 10-3 for a dependent unit, or 12 for a person")]
    TaxCodeShape,
}

impl Message for IdentityError {
    fn message_key(&self) -> &'static str {
        match self {
            IdentityError::PersonalLength => "identity-error-length",
            IdentityError::PersonalPlace => "identity-error-place",
            IdentityError::PersonalCentury => "identity-error-century",
            IdentityError::TaxCodeShape => "identity-error-tax-code",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        Vec::new()
    }
}

/// The digits of `text` with spaces and dots between groups removed (people
/// copy the number as printed, `087 095 000 123`); `None` if anything else
/// is in it.
fn digits_only(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        match c {
            '0'..='9' => out.push(c),
            ' ' | '.' | '\u{a0}' => {}
            _ => return None,
        }
    }
    Some(out)
}

/// A personal identification number, checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonalNumber(String);

impl PersonalNumber {
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        let digits = digits_only(text).ok_or(IdentityError::PersonalLength)?;
        if digits.len() != 12 {
            return Err(IdentityError::PersonalLength);
        }
        let place: u16 = digits[..3]
            .parse()
            .map_err(|_| IdentityError::PersonalLength)?;
        if place == 0 || (place <= 96 && !PROVINCE_CODES.contains(&place)) {
            return Err(IdentityError::PersonalPlace);
        }
        if !matches!(digits.as_bytes()[3], b'0'..=b'3') {
            return Err(IdentityError::PersonalCentury);
        }
        Ok(PersonalNumber(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PersonalNumber {
    type Error = IdentityError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PersonalNumber::parse(&s)
    }
}

impl From<PersonalNumber> for String {
    fn from(n: PersonalNumber) -> String {
        n.0
    }
}

impl fmt::Display for PersonalNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A tax code: a business's 10 digits (`-NNN` for a dependent unit), or a
/// person's 12-digit personal number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxCode(String);

impl TaxCode {
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        let text = text.trim();
        let (main, branch) = match text.split_once('-') {
            Some((main, branch)) => (main.trim(), Some(branch.trim())),
            None => (text, None),
        };
        let main = digits_only(main).ok_or(IdentityError::TaxCodeShape)?;
        match (main.len(), branch) {
            (10, None) => Ok(TaxCode(main)),
            (10, Some(b)) if b.len() == 3 && b.bytes().all(|c| c.is_ascii_digit()) => {
                Ok(TaxCode(format!("{main}-{b}")))
            }
            (12, None) => PersonalNumber::parse(&main)
                .map(|n| TaxCode(n.0))
                .map_err(|_| IdentityError::TaxCodeShape),
            _ => Err(IdentityError::TaxCodeShape),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TaxCode {
    type Error = IdentityError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        TaxCode::parse(&s)
    }
}

impl From<TaxCode> for String {
    fn from(n: TaxCode) -> String {
        n.0
    }
}

impl fmt::Display for TaxCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

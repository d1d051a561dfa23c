//! Addresses: the administrative units in force, searched without
//! diacritics, and the address values a dossier stores.
//!
//! This room knows the list of units and how an address is written. It
//! reads no file at run time (the list is compiled in) and knows nothing of
//! postage or routes ([`crate::postal`] builds on it).
//!
//! **Two tiers since 01/07/2025.** Districts are gone: a province (*tỉnh* or
//! centrally-run city, *thành phố trực thuộc trung ương*) holds communes
//! (*xã*, *phường*, *đặc khu*). The list in force — 34 provinces and 3,321
//! communes — is kept in `data/addresses/` (source, licence, version and how
//! to regenerate in its README) and checked whole when first used
//! ([`Units::bundled`]).
//!
//! **An address is picked, not typed** ([`Address::Unit`]): the commune comes
//! from the list and only the rest (house number, street, hamlet) is free
//! text. An address written before the reform ("Phường 1, TP Cao Lãnh,
//! Đồng Tháp") names units that no longer exist; it is kept as text
//! ([`Address::Legacy`]) rather than guessed onto the new list.
//!
//! **Search** ([`Units::search`]) ignores diacritics, case and spacing
//! ([`crate::text::fold`]): "cao lanh" finds "Phường Cao Lãnh".

mod search;
mod units;
mod value;

use crate::message::{Message, MessageArg};

pub use units::{Commune, CommuneCode, CommuneKind, Province, ProvinceCode, ProvinceKind, Units};
pub use value::{Address, MAX_DETAIL_CHARS, MAX_LEGACY_CHARS};

/// Which kind of code a text failed to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// Two digits.
    Province,
    /// Five digits.
    Commune,
}

impl CodeKind {
    /// How many digits the code has.
    pub fn digits(self) -> usize {
        match self {
            CodeKind::Province => 2,
            CodeKind::Commune => 5,
        }
    }

    fn key(self) -> &'static str {
        match self {
            CodeKind::Province => "province",
            CodeKind::Commune => "commune",
        }
    }
}

/// Why an address, a code or the list of units is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Not a code of the right form (2 digits for a province, 5 for a
    /// commune, not all zeros).
    #[error("{text:?} is not a {}-digit {} code", what.digits(), what.key())]
    BadCode { what: CodeKind, text: String },
    /// A well-formed province code that is not in the list.
    #[error("no province has code {code}")]
    UnknownProvince { code: ProvinceCode },
    /// A well-formed commune code that is not in the list in force.
    #[error("no commune has code {code}")]
    UnknownCommune { code: CommuneCode },
    /// The house number, street or hamlet is missing.
    #[error("the address needs a house number, street or hamlet")]
    EmptyDetail,
    #[error("the house number, street and hamlet take {chars} characters; at most {max}")]
    DetailTooLong { chars: usize, max: usize },
    /// An old address with no text.
    #[error("the old address is empty")]
    EmptyLegacy,
    #[error("the old address takes {chars} characters; at most {max}")]
    LegacyTooLong { chars: usize, max: usize },
    /// A control character (other than white space, which is collapsed).
    #[error("the address contains a control character")]
    ControlCharacter,
    /// The bundled list is broken (a build that ships it never passes the
    /// tests, so this is for a list handed in from elsewhere).
    #[error("{file}, line {line}: {reason}")]
    Data {
        file: &'static str,
        line: usize,
        reason: String,
    },
}

impl Message for AddressError {
    fn message_key(&self) -> &'static str {
        match self {
            AddressError::BadCode { .. } => "address-error-bad-code",
            AddressError::UnknownProvince { .. } => "address-error-unknown-province",
            AddressError::UnknownCommune { .. } => "address-error-unknown-commune",
            AddressError::EmptyDetail => "address-error-empty-detail",
            AddressError::DetailTooLong { .. } => "address-error-detail-too-long",
            AddressError::EmptyLegacy => "address-error-empty-legacy",
            AddressError::LegacyTooLong { .. } => "address-error-legacy-too-long",
            AddressError::ControlCharacter => "address-error-control-character",
            AddressError::Data { .. } => "address-error-data",
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        let count = |n: usize| MessageArg::Count(u64::try_from(n).unwrap_or(u64::MAX));
        match self {
            AddressError::BadCode { what, text } => vec![
                ("text", MessageArg::text(text.clone())),
                ("what", MessageArg::key("address-code-", what.key())),
                ("digits", count(what.digits())),
            ],
            AddressError::UnknownProvince { code } => {
                vec![("code", MessageArg::text(code.to_string()))]
            }
            AddressError::UnknownCommune { code } => {
                vec![("code", MessageArg::text(code.to_string()))]
            }
            AddressError::DetailTooLong { chars, max }
            | AddressError::LegacyTooLong { chars, max } => {
                vec![("chars", count(*chars)), ("max", count(*max))]
            }
            AddressError::EmptyDetail
            | AddressError::EmptyLegacy
            | AddressError::ControlCharacter => Vec::new(),
            AddressError::Data { file, line, reason } => vec![
                ("file", MessageArg::text(*file)),
                ("line", count(*line)),
                ("reason", MessageArg::text(reason.clone())),
            ],
        }
    }
}

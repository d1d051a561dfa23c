//! The address a dossier stores: a unit of the list plus the rest, or an old
//! address kept as text.

use serde::{Deserialize, Serialize};

use super::{AddressError, CommuneCode, Units};
use crate::text;

/// The longest house number, street and hamlet part, in characters.
pub const MAX_DETAIL_CHARS: usize = 200;
/// The longest old address, in characters.
pub const MAX_LEGACY_CHARS: usize = 300;

/// A postal address.
///
/// Build one with [`Address::unit`] or [`Address::legacy`], which normalise
/// the text (NFC, white space collapsed to single spaces, trimmed) and check
/// it. Stored as JSON: `{"unit":{"commune":"29869","detail":"số 12 đường Lý
/// Thường Kiệt"}}` or `{"legacy":"Phường 1, TP Cao Lãnh, Đồng Tháp"}`.
/// Reading it back checks the text again but not that the commune is still
/// in the list — an address stored under one list must still load under the
/// next; [`Address::check`] says whether it is in the list in force.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", try_from = "Stored")]
pub enum Address {
    /// A commune of the list in force and the rest of the address.
    Unit {
        commune: CommuneCode,
        /// House number, street, alley, hamlet (*số nhà, đường, ngõ, thôn,
        /// ấp, tổ dân phố*): everything below the commune.
        detail: String,
    },
    /// An address written before the 2025 reform, as text ("Phường 1, TP
    /// Cao Lãnh, Đồng Tháp"): its district and old commune no longer exist,
    /// so it is kept as written rather than guessed onto the new list.
    Legacy(String),
}

/// The stored form, checked into an [`Address`].
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
enum Stored {
    Unit {
        commune: CommuneCode,
        detail: String,
    },
    Legacy(String),
}

impl TryFrom<Stored> for Address {
    type Error = AddressError;

    fn try_from(stored: Stored) -> Result<Self, Self::Error> {
        match stored {
            Stored::Unit { commune, detail } => Ok(Address::Unit {
                commune,
                detail: clean_detail(&detail)?,
            }),
            Stored::Legacy(text) => Address::legacy(&text),
        }
    }
}

/// NFC, white space collapsed to single spaces, trimmed; control characters
/// refused.
fn normalise(text: &str) -> Result<String, AddressError> {
    let text = text::nfc(text);
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if word.chars().any(char::is_control) {
            return Err(AddressError::ControlCharacter);
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Ok(out)
}

fn clean_detail(detail: &str) -> Result<String, AddressError> {
    let detail = normalise(detail)?;
    let chars = detail.chars().count();
    if chars == 0 {
        Err(AddressError::EmptyDetail)
    } else if chars > MAX_DETAIL_CHARS {
        Err(AddressError::DetailTooLong {
            chars,
            max: MAX_DETAIL_CHARS,
        })
    } else {
        Ok(detail)
    }
}

impl Address {
    /// An address in `commune` of the list `units`, with `detail` (house
    /// number, street, hamlet) below it.
    pub fn unit(units: &Units, commune: CommuneCode, detail: &str) -> Result<Self, AddressError> {
        let detail = clean_detail(detail)?;
        if units.commune(commune).is_none() {
            return Err(AddressError::UnknownCommune { code: commune });
        }
        Ok(Address::Unit { commune, detail })
    }

    /// An old (three-tier) address, kept as text.
    pub fn legacy(text: &str) -> Result<Self, AddressError> {
        let text = normalise(text)?;
        let chars = text.chars().count();
        if chars == 0 {
            Err(AddressError::EmptyLegacy)
        } else if chars > MAX_LEGACY_CHARS {
            Err(AddressError::LegacyTooLong {
                chars,
                max: MAX_LEGACY_CHARS,
            })
        } else {
            Ok(Address::Legacy(text))
        }
    }

    /// The commune, for an address picked from the list.
    pub fn commune(&self) -> Option<CommuneCode> {
        match self {
            Address::Unit { commune, .. } => Some(*commune),
            Address::Legacy(_) => None,
        }
    }

    pub fn is_legacy(&self) -> bool {
        matches!(self, Address::Legacy(_))
    }

    /// Whether the address can be used with the list `units`: its commune is
    /// in it (an old address as text always can).
    pub fn check(&self, units: &Units) -> Result<(), AddressError> {
        match self {
            Address::Unit { commune, .. } if units.commune(*commune).is_none() => {
                Err(AddressError::UnknownCommune { code: *commune })
            }
            _ => Ok(()),
        }
    }

    /// The address as written on an envelope or a form, from the most
    /// precise part to the province: "số 12 đường Lý Thường Kiệt, Phường
    /// Cao Lãnh, Tỉnh Đồng Tháp". An old address is shown as written.
    pub fn display(&self, units: &Units) -> Result<String, AddressError> {
        match self {
            Address::Unit { commune, detail } => {
                let unknown = || AddressError::UnknownCommune { code: *commune };
                let c = units.commune(*commune).ok_or_else(unknown)?;
                let p = units.province_of(c).ok_or_else(unknown)?;
                Ok(format!("{detail}, {}, {}", c.name, p.name))
            }
            Address::Legacy(text) => Ok(text.clone()),
        }
    }
}

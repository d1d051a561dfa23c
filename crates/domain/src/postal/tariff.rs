//! Postage for one leg, by route class and weight: the tariff kept as data in
//! `data/postal/tariff.toml`, with its source and status.

use std::collections::BTreeMap;
use std::fmt;
use std::iter::Sum;
use std::ops::Add;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::{PostalError, RouteClass};
use crate::calendar::Verification;

const FILE: &str = "tariff.toml";
const BUNDLED: &str = include_str!("../../../../data/postal/tariff.toml");

/// An amount in Vietnamese đồng.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Vnd(pub u64);

impl Vnd {
    pub fn amount(self) -> u64 {
        self.0
    }
}

impl Add for Vnd {
    type Output = Vnd;

    /// Saturating: no real postage comes near `u64::MAX`.
    fn add(self, other: Vnd) -> Vnd {
        Vnd(self.0.saturating_add(other.0))
    }
}

impl Sum for Vnd {
    fn sum<I: Iterator<Item = Vnd>>(iter: I) -> Vnd {
        iter.fold(Vnd(0), Add::add)
    }
}

impl fmt::Display for Vnd {
    /// As Vietnamese writes it: dots between thousands, then "đ"
    /// ("26.000 đ").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} đ", crate::text::thousands(self.0))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct TariffFile {
    status: Verification,
    currency: String,
    source: String,
    scope: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    fee_transfer_vnd: Option<u64>,
    #[serde(rename = "price")]
    prices: Vec<Band>,
}

/// One weight band of a class: a leg of `class` weighing at most
/// `up_to_grams` costs `vnd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Band {
    pub class: RouteClass,
    pub up_to_grams: u32,
    pub vnd: Vnd,
}

/// What the citizen pays the post for one leg (QĐ 45/2016 Art. 12(3): the
/// citizen pays both ways; a two-way service is the sum of its legs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tariff {
    status: Verification,
    source: String,
    scope: String,
    note: Option<String>,
    fee_transfer: Option<Vnd>,
    /// By class, then weight.
    bands: Vec<Band>,
}

fn invalid(reason: impl Into<String>) -> PostalError {
    PostalError::Data {
        file: FILE,
        reason: reason.into(),
    }
}

impl Tariff {
    /// The tariff shipped in `data/postal/tariff.toml`, read and checked
    /// once.
    pub fn bundled() -> Result<&'static Tariff, PostalError> {
        static TARIFF: OnceLock<Result<Tariff, PostalError>> = OnceLock::new();
        TARIFF
            .get_or_init(|| Tariff::parse(BUNDLED))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// A tariff from a TOML text (`data/postal/README.md` gives the format),
    /// checked whole: currency VND, a source, at least one band for every
    /// class, the bands of a class in strictly increasing weight, no price
    /// of zero.
    pub fn parse(text: &str) -> Result<Tariff, PostalError> {
        let file: TariffFile = toml::from_str(text).map_err(|e| invalid(e.message()))?;
        if file.currency != "VND" {
            return Err(invalid(format!(
                "currency must be VND, not {:?}",
                file.currency
            )));
        }
        if file.source.trim().is_empty() || file.scope.trim().is_empty() {
            return Err(invalid("source and scope must be given"));
        }
        if file.fee_transfer_vnd == Some(0) {
            return Err(invalid("fee-transfer-vnd must not be 0"));
        }
        let mut bands = file.prices;
        let mut heaviest: BTreeMap<RouteClass, u32> = BTreeMap::new();
        for (i, band) in bands.iter().enumerate() {
            if band.up_to_grams == 0 || band.vnd == Vnd(0) {
                return Err(invalid(format!(
                    "price {}: weight and price must be above 0",
                    i + 1
                )));
            }
            let previous = heaviest.insert(band.class, band.up_to_grams);
            if previous.is_some_and(|grams| grams >= band.up_to_grams) {
                return Err(invalid(format!(
                    "price {}: the bands of {} must go up in weight",
                    i + 1,
                    band.class
                )));
            }
        }
        if let Some(class) = RouteClass::ALL
            .into_iter()
            .find(|c| !bands.iter().any(|b| b.class == *c))
        {
            return Err(invalid(format!("no price for {class}")));
        }
        bands.sort_by_key(|b| (b.class, b.up_to_grams));
        Ok(Tariff {
            status: file.status,
            source: file.source,
            scope: file.scope,
            note: file.note,
            fee_transfer: file.fee_transfer_vnd.map(Vnd),
            bands,
        })
    }

    /// How far the prices are checked (`weak` as shipped).
    pub fn status(&self) -> Verification {
        self.status
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Where and for what the prices apply.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Every band, by class then weight.
    pub fn bands(&self) -> &[Band] {
        &self.bands
    }

    /// What carrying the procedure's fee to the agency costs, per dossier,
    /// when the post collects it.
    pub fn fee_transfer(&self) -> Option<Vnd> {
        self.fee_transfer
    }

    /// The postage of one leg of `class` weighing `grams` (0 when not
    /// known: the lightest band): the price of the lightest band that holds
    /// it.
    pub fn postage(&self, class: RouteClass, grams: u32) -> Result<Vnd, PostalError> {
        self.bands
            .iter()
            .find(|b| b.class == class && grams <= b.up_to_grams)
            .map(|b| b.vnd)
            .ok_or(PostalError::NoPrice { class, grams })
    }
}

/// The postage of one leg of `class` weighing `grams` under `tariff`.
pub fn postage(class: RouteClass, grams: u32, tariff: &Tariff) -> Result<Vnd, PostalError> {
    tariff.postage(class, grams)
}

//! The public-post legs of a dossier: route classes, delivery times, the
//! route between two communes, postage, and the estimate a citizen sees.
//!
//! This room knows the postal rules (QĐ 45/2016/QĐ-TTg, TT 17/2017/TT-BTTTT;
//! DOMAIN.md §3) and builds on [`crate::address`] and [`crate::calendar`]. It
//! reads no file at run time (its data is compiled in) and knows nothing of
//! Vietnam Post's systems.
//!
//! **Delivery time** (TT 17 Art. 7(2)): *at most* J + n, where J is the day
//! the post takes the item — collects the dossier from the citizen, or
//! receives the result from the agency — and n counts working days
//! ([`WorkCalendar::add_working_days`]). n depends on the [`RouteClass`]:
//! 1, 2, 3 or 4 days; twice that when the post must bring the appointment
//! slip back to the citizen, because then the time runs until the citizen
//! has the slip (Art. 7(2)(b)). Those numbers are the law and live in the
//! code ([`RouteClass::days`]).
//!
//! **Route class between two communes** ([`RouteRules`]): TT 17 names
//! districts, which are gone since 01/07/2025; which class joins two
//! communes is our interpretation, kept as data in `data/postal/routes.toml`
//! and marked unverified.
//!
//! **Postage** ([`Tariff`]): what one leg costs, by class and weight, as data
//! in `data/postal/tariff.toml` with its source and status.
//!
//! **Estimate** ([`estimate`]): the date a citizen is shown before an
//! officer accepts the dossier — the processing time plus the postal legs
//! they chose — clearly an estimate.

pub mod consignment;
mod estimate;
mod routes;
mod tariff;

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::address::{AddressError, CommuneCode};
use crate::calendar::{CalendarError, WorkCalendar};
use crate::message::{Message, MessageArg};

pub use estimate::{Estimate, EstimateRequest, estimate};
pub use routes::{
    MajorUrbanArea, Route, RouteRules, Rule, RuleCondition, SpecialArea, SpecialAreaTime,
};
pub use tariff::{Band, Tariff, Vnd, postage};

/// The route classes of TT 17/2017 Art. 7(2)(đ)–(e).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RouteClass {
    /// *Trong phạm vi nội quận/thị xã/huyện/thành phố trực thuộc tỉnh*
    /// (within one district-level unit): J+1, J+2 with the appointment slip.
    WithinDistrict,
    /// *Giữa các quận/thị xã/huyện/thành phố trực thuộc tỉnh* (between
    /// district-level units of one province): J+2, J+4 with the slip.
    BetweenDistricts,
    /// *Liên tỉnh, giữa các đô thị loại đặc biệt, đô thị loại I*
    /// (inter-province, between urban areas of special grade or grade I):
    /// J+3, J+6 with the slip.
    BetweenMajorUrbanAreas,
    /// *Liên tỉnh, giữa các địa phương khác* (inter-province, other places):
    /// J+4, J+8 with the slip.
    InterProvince,
}

impl RouteClass {
    /// Every class, shortest first.
    pub const ALL: [RouteClass; 4] = [
        RouteClass::WithinDistrict,
        RouteClass::BetweenDistricts,
        RouteClass::BetweenMajorUrbanAreas,
        RouteClass::InterProvince,
    ];

    /// The key used in data files and message catalogs.
    pub fn key(self) -> &'static str {
        match self {
            RouteClass::WithinDistrict => "within-district",
            RouteClass::BetweenDistricts => "between-districts",
            RouteClass::BetweenMajorUrbanAreas => "between-major-urban-areas",
            RouteClass::InterProvince => "inter-province",
        }
    }

    /// n of J + n, in working days (TT 17 Art. 7(2)(đ)–(e)).
    pub fn days(self) -> u32 {
        match self {
            // (đ) first indent: nội quận/huyện, J + 1.
            RouteClass::WithinDistrict => 1,
            // (đ) second indent: giữa các quận/huyện, J + 2.
            RouteClass::BetweenDistricts => 2,
            // (e) first indent: giữa các đô thị loại đặc biệt, loại I, J + 3.
            RouteClass::BetweenMajorUrbanAreas => 3,
            // (e) second indent: giữa các địa phương khác, J + 4.
            RouteClass::InterProvince => 4,
        }
    }

    /// n when the post brings the appointment slip (or the due date) back
    /// to the citizen: from collecting the dossier until the citizen has the
    /// slip (TT 17 Art. 7(2)(b)); J+2, J+4, J+6, J+8.
    pub fn days_with_appointment_slip(self) -> u32 {
        match self {
            RouteClass::WithinDistrict => 2,
            RouteClass::BetweenDistricts => 4,
            RouteClass::BetweenMajorUrbanAreas => 6,
            RouteClass::InterProvince => 8,
        }
    }
}

impl fmt::Display for RouteClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// n of J + n for `class`, in working days: the plain time, or the time
/// until the citizen has the appointment slip (TT 17 Art. 7(2)).
pub fn delivery_days(class: RouteClass, with_appointment_slip: bool) -> u32 {
    if with_appointment_slip {
        class.days_with_appointment_slip()
    } else {
        class.days()
    }
}

/// The last day of J + n for `class`: the n-th working day after `j`
/// (`j` itself not counted, and it may be a day off — the post collects on
/// Saturdays).
pub fn delivery_due(
    calendar: &WorkCalendar,
    j: NaiveDate,
    class: RouteClass,
    with_appointment_slip: bool,
) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(j, delivery_days(class, with_appointment_slip))
}

/// Why a postal question cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostalError {
    /// A commune code that is not in the list in force.
    #[error("no commune has code {code}")]
    UnknownCommune { code: CommuneCode },
    /// The tariff has no band for this class and weight.
    #[error("the tariff has no price for {grams} g on route class {class}")]
    NoPrice { class: RouteClass, grams: u32 },
    /// A postal data file (routes or tariff) is not valid.
    #[error("{file}: {reason}")]
    Data { file: &'static str, reason: String },
    /// The list of units could not be loaded.
    #[error(transparent)]
    Address(#[from] AddressError),
}

impl Message for PostalError {
    fn message_key(&self) -> &'static str {
        match self {
            PostalError::UnknownCommune { .. } => "postal-error-unknown-commune",
            PostalError::NoPrice { .. } => "postal-error-no-price",
            PostalError::Data { .. } => "postal-error-data",
            PostalError::Address(e) => e.message_key(),
        }
    }

    fn message_args(&self) -> Vec<(&'static str, MessageArg)> {
        match self {
            PostalError::UnknownCommune { code } => {
                vec![("code", MessageArg::text(code.to_string()))]
            }
            PostalError::NoPrice { class, grams } => vec![
                ("class", MessageArg::key("postal-route-", class.key())),
                ("grams", MessageArg::Count(u64::from(*grams))),
            ],
            PostalError::Data { file, reason } => vec![
                ("file", MessageArg::text(*file)),
                ("reason", MessageArg::text(reason.clone())),
            ],
            PostalError::Address(e) => e.message_args(),
        }
    }
}

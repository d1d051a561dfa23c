use chrono::{DateTime, Utc};
use motcua_domain::address::CommuneCode;
use motcua_domain::calendar::OfficeHours;
use motcua_domain::code;
use serde::{Deserialize, Serialize};

use crate::ids::AgencyId;

/// What an agency is in the administrative tree. The tree's depth is data:
/// since 01/07/2025 a province has communes directly under it, before that
/// districts in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AgencyKind {
    /// The provincial People's Committee (the root of a deployment).
    Province,
    /// A provincial department (*sở, ban, ngành*).
    Department,
    /// A district (before 01/07/2025).
    District,
    /// A commune, ward or town (*xã, phường, đặc khu*).
    Commune,
    /// A public administration service centre (*Trung tâm Phục vụ hành chính
    /// công*) or another one-stop unit.
    ServiceCentre,
    /// Any other unit (a vertical agency's branch, a division).
    Unit,
    /// A post office (*bưu cục*) of the public postal service: not a state
    /// agency, it receives and decides nothing; its postal workers collect
    /// dossiers for, and deliver results of, the agencies it serves.
    PostOffice,
}

impl AgencyKind {
    pub fn key(self) -> &'static str {
        match self {
            AgencyKind::Province => "province",
            AgencyKind::Department => "department",
            AgencyKind::District => "district",
            AgencyKind::Commune => "commune",
            AgencyKind::ServiceCentre => "service-centre",
            AgencyKind::Unit => "unit",
            AgencyKind::PostOffice => "post-office",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [
            AgencyKind::Province,
            AgencyKind::Department,
            AgencyKind::District,
            AgencyKind::Commune,
            AgencyKind::ServiceCentre,
            AgencyKind::Unit,
            AgencyKind::PostOffice,
        ]
        .into_iter()
        .find(|k| k.key() == key)
    }
}

/// An agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub id: AgencyId,
    pub parent: Option<AgencyId>,
    /// Its electronic identifier (QCVN 102:2016), which opens its dossier
    /// codes.
    pub identifier: code::AgencyId,
    pub name: String,
    pub kind: AgencyKind,
    pub office_hours: OfficeHours,
    /// A service centre that receives any procedure of the province
    /// (*phi địa giới*, ND 118 Art. 14(2)).
    pub receives_any_procedure: bool,
    /// The commune its office stands in, when known: where the post takes
    /// its results from (the route class of a postal leg).
    pub commune: Option<CommuneCode>,
    pub created_at: DateTime<Utc>,
    /// The agency it was merged into in a reorganisation: it keeps its
    /// history but receives and decides nothing more.
    pub merged_into: Option<AgencyId>,
}

/// An agency to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAgency {
    /// Chosen by the caller (a new [`AgencyId`] normally; a known one when
    /// importing).
    pub id: AgencyId,
    pub parent: Option<AgencyId>,
    pub identifier: code::AgencyId,
    pub name: String,
    pub kind: AgencyKind,
    pub office_hours: OfficeHours,
    pub receives_any_procedure: bool,
    pub commune: Option<CommuneCode>,
}

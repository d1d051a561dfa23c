//! Which route class joins two communes: the rule kept as data in
//! `data/postal/routes.toml` (our interpretation of TT 17/2017 Art. 7 on the
//! two-tier map; unverified).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{PostalError, RouteClass, delivery_days};
use crate::address::{Commune, CommuneCode, ProvinceCode, Units};
use crate::calendar::{CalendarError, Verification, WorkCalendar};

const FILE: &str = "routes.toml";
const BUNDLED: &str = include_str!("../../../../data/postal/routes.toml");

/// When a rule holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleCondition {
    /// Both ends in the same commune.
    SameCommune,
    /// Both ends in the same province.
    SameProvince,
    /// Both ends in a listed major urban area (special grade or grade I).
    BothMajorUrban,
    /// Always (the last rule).
    Always,
}

/// The time Vietnam Post publishes for an area with special geographic
/// conditions (TT 17 Art. 7(2)(g)), replacing the class's J + n.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SpecialAreaTime {
    pub days: u32,
    pub days_with_slip: u32,
}

/// The route of one leg between two communes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Route {
    pub class: RouteClass,
    /// Set when an end lies in a listed special area: the longest published
    /// time of the two ends, used instead of the class's.
    pub special_area: Option<SpecialAreaTime>,
}

impl Route {
    /// A route of `class` outside any special area.
    pub fn of_class(class: RouteClass) -> Route {
        Route {
            class,
            special_area: None,
        }
    }

    /// n of J + n for this leg, in working days.
    pub fn days(&self, with_appointment_slip: bool) -> u32 {
        match (self.special_area, with_appointment_slip) {
            (Some(t), false) => t.days,
            (Some(t), true) => t.days_with_slip,
            (None, slip) => delivery_days(self.class, slip),
        }
    }

    /// The last day of J + n for this leg.
    pub fn due(
        &self,
        calendar: &WorkCalendar,
        j: NaiveDate,
        with_appointment_slip: bool,
    ) -> Result<NaiveDate, CalendarError> {
        calendar.add_working_days(j, self.days(with_appointment_slip))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RoutesFile {
    status: Verification,
    basis: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(rename = "rule")]
    rules: Vec<Rule>,
    #[serde(default, rename = "major-urban-area")]
    major_urban_areas: Vec<MajorUrbanArea>,
    #[serde(default, rename = "special-area")]
    special_areas: Vec<SpecialArea>,
}

/// One rule: when it holds, the class it gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Rule {
    pub when: RuleCondition,
    pub class: RouteClass,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An urban area of special grade or grade I (TT 17 Art. 7(2)(e)): a whole
/// province (a centrally-run city) or a set of communes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MajorUrbanArea {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<ProvinceCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub communes: Vec<CommuneCode>,
    /// Whether the area's grade (or city status) is confirmed.
    pub status: Verification,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A commune in an area with special geographic conditions, with the time
/// Vietnam Post publishes for it (TT 17 Art. 7(2)(g)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SpecialArea {
    pub commune: CommuneCode,
    pub days: u32,
    pub days_with_slip: u32,
    pub status: Verification,
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The rule that gives the route class between two communes, with the
/// major urban areas and special areas it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRules {
    status: Verification,
    basis: String,
    note: Option<String>,
    rules: Vec<Rule>,
    major_urban_areas: Vec<MajorUrbanArea>,
    major_provinces: BTreeSet<ProvinceCode>,
    major_communes: BTreeSet<CommuneCode>,
    special_areas: BTreeMap<CommuneCode, SpecialAreaTime>,
}

fn invalid(reason: impl Into<String>) -> PostalError {
    PostalError::Data {
        file: FILE,
        reason: reason.into(),
    }
}

impl RouteRules {
    /// The rules shipped in `data/postal/routes.toml`, read and checked
    /// once against the bundled list of units.
    pub fn bundled() -> Result<&'static RouteRules, PostalError> {
        static RULES: OnceLock<Result<RouteRules, PostalError>> = OnceLock::new();
        RULES
            .get_or_init(|| RouteRules::parse(BUNDLED, Units::bundled()?))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Rules from a TOML text (`data/postal/README.md` gives the format),
    /// checked whole: every condition at most once, `always` last, every
    /// area naming a province or communes of `units`, special-area times
    /// not shorter with the slip than without.
    pub fn parse(text: &str, units: &Units) -> Result<RouteRules, PostalError> {
        let file: RoutesFile = toml::from_str(text).map_err(|e| invalid(e.message()))?;
        if file.basis.trim().is_empty() {
            return Err(invalid("basis is empty"));
        }
        let rules = file.rules;
        for (i, rule) in rules.iter().enumerate() {
            if rules.iter().take(i).any(|r| r.when == rule.when) {
                return Err(invalid(format!("rule {}: {:?} twice", i + 1, rule.when)));
            }
        }
        match rules.iter().position(|r| r.when == RuleCondition::Always) {
            Some(i) if i + 1 == rules.len() => {}
            Some(_) => return Err(invalid("rules after `always` are never reached")),
            None => return Err(invalid("the last rule must be `always`")),
        }
        let mut major_provinces = BTreeSet::new();
        let mut major_communes = BTreeSet::new();
        for area in &file.major_urban_areas {
            let place = format!("major urban area {:?}", area.name);
            if area.sources.is_empty() {
                return Err(invalid(format!("{place}: no sources")));
            }
            match (area.province, area.communes.is_empty()) {
                (Some(code), true) => {
                    if units.province(code).is_none() {
                        return Err(invalid(format!("{place}: unknown province {code}")));
                    }
                    major_provinces.insert(code);
                }
                (None, false) => {
                    for &code in &area.communes {
                        if units.commune(code).is_none() {
                            return Err(invalid(format!("{place}: unknown commune {code}")));
                        }
                        major_communes.insert(code);
                    }
                }
                _ => {
                    return Err(invalid(format!(
                        "{place}: give either a province or communes"
                    )));
                }
            }
        }
        let mut special_areas = BTreeMap::new();
        for area in &file.special_areas {
            let place = format!("special area {}", area.commune);
            if units.commune(area.commune).is_none() {
                return Err(invalid(format!("{place}: unknown commune")));
            }
            if area.days == 0 || area.days_with_slip < area.days {
                return Err(invalid(format!(
                    "{place}: days must be at least 1 and days-with-slip at least days"
                )));
            }
            if area.sources.is_empty() {
                return Err(invalid(format!("{place}: no sources")));
            }
            let time = SpecialAreaTime {
                days: area.days,
                days_with_slip: area.days_with_slip,
            };
            if special_areas.insert(area.commune, time).is_some() {
                return Err(invalid(format!("{place}: listed twice")));
            }
        }
        Ok(RouteRules {
            status: file.status,
            basis: file.basis,
            note: file.note,
            rules,
            major_urban_areas: file.major_urban_areas,
            major_provinces,
            major_communes,
            special_areas,
        })
    }

    /// How far the mapping itself is checked (`unverified` as shipped).
    pub fn status(&self) -> Verification {
        self.status
    }

    /// The legal basis the rules apply.
    pub fn basis(&self) -> &str {
        &self.basis
    }

    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The rules, in the order they are tried.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The major urban areas, as listed.
    pub fn major_urban_areas(&self) -> &[MajorUrbanArea] {
        &self.major_urban_areas
    }

    /// The provinces listed whole as major urban areas.
    pub fn major_provinces(&self) -> &BTreeSet<ProvinceCode> {
        &self.major_provinces
    }

    /// Whether `commune` lies in a listed major urban area.
    pub fn is_major_urban(&self, commune: &Commune) -> bool {
        self.major_provinces.contains(&commune.province)
            || self.major_communes.contains(&commune.code)
    }

    fn holds(&self, when: RuleCondition, from: &Commune, to: &Commune) -> bool {
        match when {
            RuleCondition::SameCommune => from.code == to.code,
            RuleCondition::SameProvince => from.province == to.province,
            RuleCondition::BothMajorUrban => self.is_major_urban(from) && self.is_major_urban(to),
            RuleCondition::Always => true,
        }
    }

    /// The route class between two communes: the class of the first rule
    /// that holds. The direction does not matter.
    pub fn class_between(&self, from: &Commune, to: &Commune) -> RouteClass {
        self.rules
            .iter()
            .find(|r| self.holds(r.when, from, to))
            .map_or(RouteClass::InterProvince, |r| r.class)
    }

    /// The route between two communes: its class, and the published time
    /// of a special area at either end (the longer of the two).
    pub fn route(&self, from: &Commune, to: &Commune) -> Route {
        let special = [from.code, to.code]
            .iter()
            .filter_map(|c| self.special_areas.get(c))
            .copied()
            .reduce(|a, b| SpecialAreaTime {
                days: a.days.max(b.days),
                days_with_slip: a.days_with_slip.max(b.days_with_slip),
            });
        Route {
            class: self.class_between(from, to),
            special_area: special,
        }
    }

    /// The route between two communes given by code.
    pub fn route_between(
        &self,
        units: &Units,
        from: CommuneCode,
        to: CommuneCode,
    ) -> Result<Route, PostalError> {
        let get = |code| {
            units
                .commune(code)
                .ok_or(PostalError::UnknownCommune { code })
        };
        Ok(self.route(get(from)?, get(to)?))
    }
}

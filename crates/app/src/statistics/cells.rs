//! The cells of a period's statistics and the levels they add up to: a
//! procedure at an agency, an agency, a field, the province.

use std::collections::BTreeMap;

use motcua_domain::catalog::ServiceLevel;
use motcua_domain::regime::EvaluationId;
use motcua_domain::statistics::Figures;
use motcua_domain::statistics::evaluation::{self, Group, OnlineOffer, Tt01};
use motcua_store::{Agency, AgencyId};

use super::Statistics;
use crate::{AppError, Services};

/// The figures of one procedure at one deciding agency.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub agency: AgencyId,
    pub procedure: String,
    pub procedure_name: String,
    /// Its field (*lĩnh vực*), empty when the catalog no longer has it.
    pub field: String,
    /// How far it is offered online, when the catalog knows it.
    pub level: Option<ServiceLevel>,
    /// The evaluation rules of its dossiers (a procedure's dossiers before
    /// and after 1 July 2025 are two cells).
    pub evaluation: EvaluationId,
    pub figures: Figures,
}

/// The evaluation of one scope's dossiers under one set of rules.
#[derive(Debug, Clone, PartialEq)]
pub struct RegimeEvaluation {
    pub rules: EvaluationId,
    pub figures: Figures,
    /// For dossiers under ND 61: TT 01 Art. 13's indices.
    pub tt01: Option<Tt01>,
    /// For dossiers under ND 118: Art. 32's criteria groups.
    pub nd118: Option<Vec<Group>>,
}

/// An agency's figures, with the agency.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyRow {
    pub agency: Agency,
    pub figures: Figures,
}

/// A procedure's figures at an agency.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureRow {
    pub code: String,
    pub name: String,
    pub field: String,
    pub figures: Figures,
}

fn sum<'a>(cells: impl Iterator<Item = &'a Cell>) -> Figures {
    let mut total = Figures::default();
    for c in cells {
        total.merge(&c.figures);
    }
    total
}

impl Statistics {
    /// The whole province (or of one agency).
    pub fn total(&self, agency: Option<AgencyId>) -> Figures {
        sum(self
            .cells
            .iter()
            .filter(|c| agency.is_none_or(|a| c.agency == a)))
    }

    /// Each field's figures, by field name (of one agency, or all).
    pub fn fields(&self, agency: Option<AgencyId>) -> Vec<(String, Figures)> {
        let mut by_field: BTreeMap<&str, Figures> = BTreeMap::new();
        for c in self
            .cells
            .iter()
            .filter(|c| agency.is_none_or(|a| c.agency == a))
        {
            by_field.entry(&c.field).or_default().merge(&c.figures);
        }
        by_field
            .into_iter()
            .map(|(f, figures)| (f.to_owned(), figures))
            .collect()
    }

    /// Each procedure's figures at `agency`, by field then code.
    pub fn procedures(&self, agency: AgencyId) -> Vec<ProcedureRow> {
        let mut by_code: BTreeMap<(&str, &str), ProcedureRow> = BTreeMap::new();
        for c in self.cells.iter().filter(|c| c.agency == agency) {
            by_code
                .entry((&c.field, &c.procedure))
                .or_insert_with(|| ProcedureRow {
                    code: c.procedure.clone(),
                    name: c.procedure_name.clone(),
                    field: c.field.clone(),
                    figures: Figures::default(),
                })
                .figures
                .merge(&c.figures);
        }
        by_code.into_values().collect()
    }

    /// The evaluation of a scope (an agency, or the province as one unit)
    /// under each set of rules its dossiers fall under.
    pub fn evaluations(&self, agency: Option<AgencyId>) -> Vec<RegimeEvaluation> {
        let mut out = Vec::new();
        for rules in [EvaluationId::Tt01Art13, EvaluationId::Nd118Art32] {
            let cells: Vec<&Cell> = self
                .cells
                .iter()
                .filter(|c| c.evaluation == rules && agency.is_none_or(|a| c.agency == a))
                .collect();
            if cells.is_empty() {
                continue;
            }
            let figures = sum(cells.iter().copied());
            let mut procedures: BTreeMap<&str, bool> = BTreeMap::new();
            for c in &cells {
                procedures.insert(&c.procedure, c.level.is_some_and(ServiceLevel::online));
            }
            let offer = OnlineOffer {
                online: procedures.values().filter(|online| **online).count() as u64,
                procedures: procedures.len() as u64,
            };
            out.push(RegimeEvaluation {
                rules,
                tt01: (rules == EvaluationId::Tt01Art13).then(|| evaluation::tt01(&figures, offer)),
                nd118: (rules == EvaluationId::Nd118Art32).then(|| evaluation::nd118(&figures)),
                figures,
            });
        }
        out
    }

    /// Each agency with anything counted, by name, with its figures.
    pub async fn agencies(&self, svc: &Services) -> Result<Vec<AgencyRow>, AppError> {
        let mut by_agency: BTreeMap<AgencyId, Figures> = BTreeMap::new();
        for c in &self.cells {
            by_agency.entry(c.agency).or_default().merge(&c.figures);
        }
        let mut rows = Vec::with_capacity(by_agency.len());
        for (id, figures) in by_agency {
            if let Some(agency) = svc.store.agency(id).await? {
                rows.push(AgencyRow { agency, figures });
            }
        }
        rows.sort_by(|a, b| {
            motcua_domain::text::fold(&a.agency.name)
                .cmp(&motcua_domain::text::fold(&b.agency.name))
        });
        Ok(rows)
    }
}

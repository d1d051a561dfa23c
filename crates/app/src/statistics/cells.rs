//! The cells of a period's statistics and the levels they add up to: a
//! procedure at an agency, an agency, a field, the province.

use std::collections::BTreeMap;

use motcua_domain::statistics::Figures;
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
    pub figures: Figures,
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
        let mut rows: Vec<ProcedureRow> = self
            .cells
            .iter()
            .filter(|c| c.agency == agency)
            .map(|c| ProcedureRow {
                code: c.procedure.clone(),
                name: c.procedure_name.clone(),
                field: c.field.clone(),
                figures: c.figures,
            })
            .collect();
        rows.sort_by(|a, b| (&a.field, &a.code).cmp(&(&b.field, &b.code)));
        rows
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

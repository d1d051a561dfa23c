use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::catalog::{Procedure, ServiceLevel};

/// One version of an administrative procedure as stored: the catalog entry
/// (`domain::catalog::Procedure`, its code and effective date inside), in
/// force from its date until the next version's. A dossier keeps the
/// version in force when it entered.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedureVersion {
    pub procedure: Procedure,
    pub updated_at: DateTime<Utc>,
}

impl ProcedureVersion {
    pub fn code(&self) -> &str {
        &self.procedure.code
    }

    pub fn effective_from(&self) -> NaiveDate {
        self.procedure.effective_from
    }
}

/// A search of the catalog as it stands on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureQuery {
    /// Words of the name (diacritics, case and spacing ignored), or a code.
    pub text: Option<String>,
    /// The field (*lĩnh vực*), exactly as the catalog writes it.
    pub field: Option<String>,
    pub level: Option<ServiceLevel>,
    /// The competent agency identifier, or the kind of agency (`commune`).
    pub competent: Option<String>,
    /// The versions in force on this day.
    pub on: NaiveDate,
    pub limit: u32,
    pub offset: u32,
}

impl ProcedureQuery {
    /// Everything in force on `on`, the first `limit`.
    pub fn all_on(on: NaiveDate, limit: u32) -> Self {
        ProcedureQuery {
            text: None,
            field: None,
            level: None,
            competent: None,
            on,
            limit,
            offset: 0,
        }
    }
}

/// The columns a procedure version is indexed by (both engines store the
/// same, computed here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureColumns {
    pub name_folded: String,
    pub field: String,
    pub level: &'static str,
    pub competent: String,
}

impl ProcedureColumns {
    pub fn of(p: &Procedure) -> Self {
        use motcua_domain::catalog::Competent;
        ProcedureColumns {
            name_folded: motcua_domain::text::fold(&p.name),
            field: p.field.clone(),
            level: match p.level {
                ServiceLevel::Information => "information",
                ServiceLevel::Partial => "partial",
                ServiceLevel::Full => "full",
            },
            competent: match &p.competent {
                Competent::Agency(id) | Competent::Level(id) => id.clone(),
            },
        }
    }

    /// The key a query's level is stored as.
    pub fn level_key(level: ServiceLevel) -> &'static str {
        match level {
            ServiceLevel::Information => "information",
            ServiceLevel::Partial => "partial",
            ServiceLevel::Full => "full",
        }
    }
}

/// The pattern a folded search text is matched with (`LIKE … ESCAPE '\'`).
pub fn like_pattern(text: &str) -> String {
    let folded = motcua_domain::text::fold(text);
    let mut out = String::with_capacity(folded.len() + 2);
    out.push('%');
    for c in folded.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

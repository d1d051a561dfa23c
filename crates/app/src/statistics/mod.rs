//! The statistics of a reporting period, computed from the record.
//!
//! Every dossier that counts in the period ([`Store::counted_dossiers`]) is
//! classified by `domain::indicators` — the same classification the back
//! office warns with — and added to the figures of its cell: the agency
//! that decides it and its procedure. Agencies, fields and the province are
//! cells merged, so every level of the dashboard and the review adds up the
//! same dossiers.
//!
//! [`Store::counted_dossiers`]: motcua_store::Store::counted_dossiers

mod cells;
pub mod open_data;
pub mod review;

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::calendar::{self, OfficeHours, WorkCalendar};
use motcua_domain::catalog::ServiceLevel;
use motcua_domain::indicators::{self, ReportingPeriod};
use motcua_domain::lifecycle::Clockwork;
use motcua_domain::regime::{EvaluationId, Regime, RegimeError};
use motcua_domain::statistics::contribution::{self, Delta};
use motcua_domain::statistics::{CutOff, Facts, Figures, PeriodError, PeriodSpec};
use motcua_store::{AgencyId, CountedDossier, Delivery, Page, Satisfaction, Span};

pub use cells::{AgencyRow, Cell, ProcedureRow, RegimeEvaluation};

use crate::{AppError, Services, apply};

/// How many dossiers are read at a time.
const PAGE: u32 = 1000;

/// The statistics of one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Statistics {
    pub spec: PeriodSpec,
    pub cut_off: CutOff,
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// The first day the modelled law covers, when the period starts
    /// before it: its dossiers cannot exist here, so the report says the
    /// figures start then.
    pub before_law: Option<NaiveDate>,
    /// Counted up to here: the period's end, or the moment of counting
    /// when the period was still running.
    pub counted_until: DateTime<Utc>,
    /// When the figures were computed (the record as it stood then).
    pub computed_at: DateTime<Utc>,
    /// One per agency and procedure with anything counted.
    pub cells: Vec<Cell>,
}

impl Statistics {
    /// Whether the period was still running when counted.
    pub fn running(&self) -> bool {
        self.counted_until
            < calendar::to_utc(
                self.last
                    .succ_opt()
                    .unwrap_or(self.last)
                    .and_time(chrono::NaiveTime::MIN),
            )
    }
}

/// A procedure as the statistics name it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ProcedureInfo {
    name: String,
    field: String,
    level: Option<ServiceLevel>,
    has_fees: bool,
}

/// The catalog's versions by code, newest last, to name each dossier's
/// procedure as it was in force for the dossier.
struct Catalog(HashMap<String, Vec<(NaiveDate, ProcedureInfo)>>);

impl Catalog {
    async fn load(svc: &Services) -> Result<Catalog, AppError> {
        let mut by_code: HashMap<String, Vec<(NaiveDate, ProcedureInfo)>> = HashMap::new();
        for v in svc.store.all_procedure_versions().await? {
            let p = v.procedure;
            by_code.entry(p.code.clone()).or_default().push((
                p.effective_from,
                ProcedureInfo {
                    name: p.name,
                    field: p.field,
                    level: Some(p.level),
                    has_fees: !p.fees.is_empty(),
                },
            ));
        }
        for versions in by_code.values_mut() {
            versions.sort_by_key(|(from, _)| *from);
        }
        Ok(Catalog(by_code))
    }

    fn info(&self, code: &str, version: NaiveDate) -> ProcedureInfo {
        let versions = self.0.get(code);
        let found = versions.and_then(|vs| {
            vs.iter()
                .rev()
                .find(|(from, _)| *from <= version)
                .or_else(|| vs.first())
        });
        found.map_or_else(
            || ProcedureInfo {
                name: code.to_owned(),
                field: String::new(),
                level: None,
                has_fees: false,
            },
            |(_, info)| info.clone(),
        )
    }
}

/// Computes the statistics of `spec` cut off at `cut_off`, as the record
/// stands at `now`. A period still running is counted up to `now`: what is
/// pending is judged now, not at an end that has not come.
pub async fn compute(
    svc: &Services,
    spec: PeriodSpec,
    cut_off: CutOff,
    now: DateTime<Utc>,
) -> Result<Statistics, AppError> {
    let (first, last) = spec.days(cut_off)?;
    let whole = ReportingPeriod::days(first, last).map_err(|e| AppError::Period(e.into()))?;
    if whole.start >= now {
        return Err(AppError::Period(PeriodError::NotYet));
    }
    let period = ReportingPeriod::new(whole.start, whole.end.min(now))
        .map_err(|e| AppError::Period(e.into()))?;
    let before_law = match Regime::on(first) {
        Ok(_) => None,
        Err(RegimeError::BeforeEarliest { earliest, .. }) => Some(earliest),
    };
    let done = |cells: Vec<Cell>| Statistics {
        spec,
        cut_off,
        first,
        last,
        before_law,
        counted_until: period.end,
        computed_at: now,
        cells,
    };
    let mut cells: HashMap<CellKey, Cell> = HashMap::new();
    // A period wholly before the modelled law has no dossiers: nothing to
    // read.
    if before_law.is_some_and(|earliest| last < earliest) {
        return Ok(done(Vec::new()));
    }
    let mut reader = Reader::new(svc).await?;
    let span = Span {
        from: period.start,
        to: period.end,
    };
    reader
        .each(svc, span, |counted, info, facts| {
            let record = &counted.record;
            let counting = indicators::classify(&record.state, &period);
            cells
                .entry(cell_key(counted))
                .or_insert_with(|| new_cell(counted, info))
                .figures
                .add(&counting, facts);
        })
        .await?;
    let mut cells: Vec<Cell> = cells
        .into_values()
        .filter(|c| !c.figures.is_empty())
        .collect();
    cells.sort_by(|a, b| {
        (a.agency, &a.procedure, a.evaluation).cmp(&(b.agency, &b.procedure, b.evaluation))
    });
    Ok(done(cells))
}

/// The cell a dossier counts in: its deciding agency, its procedure and
/// its evaluation rules.
type CellKey = (AgencyId, String, EvaluationId);

fn cell_key(counted: &CountedDossier) -> CellKey {
    let record = &counted.record;
    (
        record.deciding_agency,
        record.procedure_code.clone(),
        record.state.regime.evaluation,
    )
}

/// An empty cell for a dossier's key.
fn new_cell(counted: &CountedDossier, info: &ProcedureInfo) -> Cell {
    let record = &counted.record;
    Cell {
        agency: record.deciding_agency,
        procedure: record.procedure_code.clone(),
        procedure_name: info.name.clone(),
        field: info.field.clone(),
        level: info.level,
        evaluation: record.state.regime.evaluation,
        figures: Figures::default(),
    }
}

/// Reads the dossiers a span counts with what the statistics need of each:
/// its procedure as the catalog names it, and its facts (processing days
/// on its receiving unit's office hours and the official calendar).
struct Reader {
    catalog: Catalog,
    calendar: WorkCalendar,
    hours: HashMap<AgencyId, OfficeHours>,
}

impl Reader {
    async fn new(svc: &Services) -> Result<Reader, AppError> {
        Ok(Reader {
            catalog: Catalog::load(svc).await?,
            calendar: apply::work_calendar(svc).await?,
            hours: HashMap::new(),
        })
    }

    async fn each(
        &mut self,
        svc: &Services,
        span: Span,
        mut visit: impl FnMut(&CountedDossier, &ProcedureInfo, &Facts),
    ) -> Result<(), AppError> {
        let mut page = Page::first(PAGE);
        loop {
            let batch = svc.store.counted_dossiers(span, page).await?;
            let Some(last_row) = batch.last() else {
                return Ok(());
            };
            page = Page {
                after: Some(last_row.record.id),
                limit: PAGE,
            };
            for counted in &batch {
                let record = &counted.record;
                let unit = record.receiving_unit;
                let office = match self.hours.entry(unit) {
                    Entry::Occupied(known) => known.into_mut(),
                    Entry::Vacant(new) => new.insert(match svc.store.agency(unit).await? {
                        Some(a) => a.office_hours,
                        None => OfficeHours::standard(),
                    }),
                };
                let cw = Clockwork {
                    calendar: &self.calendar,
                    hours: office,
                };
                let info = self
                    .catalog
                    .info(&record.procedure_code, record.procedure_version);
                let facts = facts_of(counted, &info, cw);
                visit(counted, &info, &facts);
            }
        }
    }
}

/// Every dossier's contribution (`domain::statistics::contribution`), by
/// cell: what the maintained aggregates will keep. Read from the whole
/// record up to `now`, so this is the reference they are checked against.
pub async fn contributions(
    svc: &Services,
    now: DateTime<Utc>,
) -> Result<Vec<(Cell, Vec<Delta>)>, AppError> {
    let mut cells: HashMap<CellKey, (Cell, Vec<Delta>)> = HashMap::new();
    let mut reader = Reader::new(svc).await?;
    // From before any modelled law (PostgreSQL's instants start in 4713
    // BC, so not from the beginning of time).
    let since = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
    let span = Span {
        from: calendar::to_utc(since.and_time(chrono::NaiveTime::MIN)),
        to: now,
    };
    reader
        .each(svc, span, |counted, info, facts| {
            let record = &counted.record;
            cells
                .entry(cell_key(counted))
                .or_insert_with(|| (new_cell(counted, info), Vec::new()))
                .1
                .extend(contribution::contribution(&record.state, facts));
        })
        .await?;
    let mut out: Vec<(Cell, Vec<Delta>)> = cells.into_values().collect();
    out.sort_by(|(a, _), (b, _)| {
        (a.agency, &a.procedure, a.evaluation).cmp(&(b.agency, &b.procedure, b.evaluation))
    });
    Ok(out)
}

/// The statistics of a whole period (ended before today) from the cells'
/// contributions: what [`compute`] gives, read from deltas.
pub fn from_contributions(cells: &[(Cell, Vec<Delta>)], stats_of: &Statistics) -> Vec<Cell> {
    let (first, last) = (
        contribution::day_number(stats_of.first),
        contribution::day_number(stats_of.last),
    );
    cells
        .iter()
        .map(|(cell, deltas)| Cell {
            figures: contribution::figures_from(deltas, first, last),
            ..cell.clone()
        })
        .filter(|c| !c.figures.is_empty())
        .collect()
}

fn facts_of(counted: &CountedDossier, info: &ProcedureInfo, cw: Clockwork<'_>) -> Facts {
    let record = &counted.record;
    Facts {
        channel: record.state.channel,
        level: info.level,
        has_fees: info.has_fees,
        // A dossier whose time cannot be counted on the calendar (a year
        // without a schedule) is left out of the average, not guessed.
        processing_days: indicators::processing_days(&record.state, cw)
            .ok()
            .flatten(),
        paid_online: counted.paid_online,
        digitised: counted.digitised > 0,
        satisfied: counted
            .rating
            .map(|r| matches!(r, Satisfaction::VerySatisfied | Satisfaction::Satisfied)),
        result_by_post: record.delivery == Delivery::Post,
        supplement_requests: u8::from(record.state.used.reception_supplement)
            + u8::from(record.state.used.appraisal_supplement),
        no_visit: record.state.channel.is_online() && record.delivery != Delivery::Counter,
    }
}

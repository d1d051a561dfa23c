//! The statistics of a reporting period.
//!
//! Each dossier adds to the figures of its cell: the agency that decides
//! it, its procedure and its evaluation rules. Agencies, fields and the
//! province are cells merged, so every level of the dashboard and the
//! review adds up the same dossiers.
//!
//! The figures are read from the kept sums ([`kept`]): every dossier's
//! contribution (`domain::statistics::contribution`) added up per cell and
//! day, kept current as dossiers change. [`compute_from_record`] counts the
//! same figures by reading every dossier the period counts
//! ([`Store::counted_dossiers`]) and classifying it with
//! `domain::indicators`, the classification the back office warns with;
//! the tests prove the two equal.
//!
//! [`Store::counted_dossiers`]: motcua_store::Store::counted_dossiers

mod cells;
pub mod kept;
pub mod open_data;
pub mod review;

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use motcua_domain::calendar::{self, OfficeHours, OfficialBreak, WorkCalendar};
use motcua_domain::catalog::ServiceLevel;
use motcua_domain::indicators::{self, ReportingPeriod};
use motcua_domain::lifecycle::Clockwork;
use motcua_domain::regime::{Regime, RegimeError};
use motcua_domain::statistics::contribution::{self, Day};
use motcua_domain::statistics::{CutOff, Facts, Figures, PeriodError, PeriodSpec};
use motcua_store::{AgencyId, CellKey, CountedDossier, Delivery, Page, Satisfaction, Span};

pub use cells::{AgencyRow, Cell, ProcedureRow, RegimeEvaluation};

use sha2::{Digest, Sha256};

use crate::{AppError, Services};

/// How many dossiers are read at a time.
const PAGE: u32 = 1000;

/// The version of how contributions are counted (`contribution`, the
/// facts, the indicators they use): part of the kept sums' basis, so a
/// release that counts differently recounts every dossier. Raise it with
/// any such change.
const KEPT_VERSION: u32 = 1;

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
    /// Set when the figures were read from kept sums that a recount had
    /// not caught up with yet ([`compute_promptly`]).
    pub behind: Option<kept::Behind>,
}

impl Statistics {
    /// The last day counted: the period's last, or yesterday while it runs.
    pub fn last_counted(&self) -> NaiveDate {
        calendar::to_local(self.counted_until - chrono::TimeDelta::microseconds(1)).date()
    }

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

    /// The procedure `code` as the version in force on `version` names it
    /// (a dossier older than every version takes the first).
    fn info(&self, code: &str, version: NaiveDate) -> ProcedureInfo {
        let versions = self.0.get(code);
        let found = versions.and_then(|vs| {
            vs.iter()
                .rev()
                .find(|(from, _)| *from <= version)
                .or_else(|| vs.first())
        });
        found.map_or_else(|| Self::unknown(code), |(_, info)| info.clone())
    }

    /// The procedure `code` as its newest version names it: how a cell,
    /// which holds dossiers of every version, is named.
    fn newest(&self, code: &str) -> ProcedureInfo {
        self.0
            .get(code)
            .and_then(|vs| vs.last())
            .map_or_else(|| Self::unknown(code), |(_, info)| info.clone())
    }

    fn unknown(code: &str) -> ProcedureInfo {
        ProcedureInfo {
            name: code.to_owned(),
            field: String::new(),
            level: None,
            has_fees: false,
        }
    }

    /// What of the catalog the kept contributions read (each version's
    /// level and whether it has fees), in a stable order.
    fn basis(&self) -> Vec<(&str, NaiveDate, Option<ServiceLevel>, bool)> {
        let mut out: Vec<_> = self
            .0
            .iter()
            .flat_map(|(code, vs)| {
                vs.iter()
                    .map(move |(from, info)| (code.as_str(), *from, info.level, info.has_fees))
            })
            .collect();
        out.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        out
    }
}

/// What a period's counting covers.
struct Plan {
    spec: PeriodSpec,
    cut_off: CutOff,
    first: NaiveDate,
    last: NaiveDate,
    before_law: Option<NaiveDate>,
    /// The whole days counted: the period's, or those that ended by `now`.
    period: ReportingPeriod,
    computed_at: DateTime<Utc>,
}

impl Plan {
    /// The counting of `spec` as the record stands at `now`. A period still
    /// running is counted to the end of yesterday: what is pending is
    /// judged at a day's end, as for every whole period, so the figures
    /// read from the kept sums and from the record agree.
    fn new(spec: PeriodSpec, cut_off: CutOff, now: DateTime<Utc>) -> Result<Plan, AppError> {
        let (first, last) = spec.days(cut_off)?;
        let whole = ReportingPeriod::days(first, last).map_err(|e| AppError::Period(e.into()))?;
        let today = calendar::to_utc(calendar::to_local(now).date().and_time(NaiveTime::MIN));
        if whole.start >= today {
            return Err(AppError::Period(PeriodError::NotYet));
        }
        let period = ReportingPeriod::new(whole.start, whole.end.min(today))
            .map_err(|e| AppError::Period(e.into()))?;
        let before_law = match Regime::on(first) {
            Ok(_) => None,
            Err(RegimeError::BeforeEarliest { earliest, .. }) => Some(earliest),
        };
        Ok(Plan {
            spec,
            cut_off,
            first,
            last,
            before_law,
            period,
            computed_at: now,
        })
    }

    /// The days counted, as day numbers.
    fn days(&self) -> (Day, Day) {
        let first = contribution::day_number(self.first);
        let until = contribution::day_of(self.period.end);
        (first, until - 1)
    }

    /// A period wholly before the modelled law has no dossiers.
    fn empty(&self) -> bool {
        self.before_law.is_some_and(|earliest| self.last < earliest)
    }

    fn done(self, mut cells: Vec<Cell>) -> Statistics {
        cells.retain(|c| !c.figures.is_empty());
        cells.sort_by(|a, b| {
            (a.agency, &a.procedure, a.evaluation).cmp(&(b.agency, &b.procedure, b.evaluation))
        });
        Statistics {
            spec: self.spec,
            cut_off: self.cut_off,
            first: self.first,
            last: self.last,
            before_law: self.before_law,
            counted_until: self.period.end,
            computed_at: self.computed_at,
            cells,
            behind: None,
        }
    }
}

/// Whether `spec` can be counted at `now` (it is a period, and a day of it
/// has ended): what [`compute`] would refuse, told before any work.
pub fn check(spec: PeriodSpec, cut_off: CutOff, now: DateTime<Utc>) -> Result<(), AppError> {
    Plan::new(spec, cut_off, now).map(|_| ())
}

/// How many changed dossiers a page recounts before it reads the kept
/// sums (a few seconds' work); with more waiting, it reads them as they
/// are and says so.
const PROMPT_RECOUNT: u64 = 5_000;

/// Computes the statistics of `spec` cut off at `cut_off`, as the record
/// stands at `now`, from the kept sums: the dossiers changed since they
/// were last kept are counted again first ([`kept::catch_up`]), however
/// many they are.
pub async fn compute(
    svc: &Services,
    spec: PeriodSpec,
    cut_off: CutOff,
    now: DateTime<Utc>,
) -> Result<Statistics, AppError> {
    read_kept(svc, spec, cut_off, now, None).await
}

/// The same as [`compute`] when the kept sums lack at most a few seconds'
/// recount; otherwise the sums are read as they are, with how far behind
/// they are in [`Statistics::behind`] (a page answers at once after an
/// upgrade, while the server's keeper recounts in the background).
pub async fn compute_promptly(
    svc: &Services,
    spec: PeriodSpec,
    cut_off: CutOff,
    now: DateTime<Utc>,
) -> Result<Statistics, AppError> {
    read_kept(svc, spec, cut_off, now, Some(PROMPT_RECOUNT)).await
}

/// The figures from the kept sums, once the dossiers changed since they
/// were kept are counted again: all of them, or none if more than `most`.
async fn read_kept(
    svc: &Services,
    spec: PeriodSpec,
    cut_off: CutOff,
    now: DateTime<Utc>,
    most: Option<u64>,
) -> Result<Statistics, AppError> {
    let plan = Plan::new(spec, cut_off, now)?;
    if plan.empty() {
        return Ok(plan.done(Vec::new()));
    }
    let behind = match most {
        None => {
            kept::catch_up(svc, |_| {}).await?;
            None
        }
        Some(most) => kept::catch_up_within(svc, most).await?,
    };
    let (first, last) = plan.days();
    let catalog = Catalog::load(svc).await?;
    let cells = kept::figures(svc, first, last)
        .await?
        .into_iter()
        .map(|(key, figures)| Cell {
            figures,
            ..new_cell(&key, &catalog)
        })
        .collect();
    Ok(Statistics {
        behind,
        ..plan.done(cells)
    })
}

/// The same statistics as [`compute`], counted from the record: every
/// dossier the period counts is read and classified. This is what the kept
/// sums are proven against, and what a doubt about them is settled with.
pub async fn compute_from_record(
    svc: &Services,
    spec: PeriodSpec,
    cut_off: CutOff,
    now: DateTime<Utc>,
) -> Result<Statistics, AppError> {
    let plan = Plan::new(spec, cut_off, now)?;
    if plan.empty() {
        return Ok(plan.done(Vec::new()));
    }
    let mut cells: HashMap<CellKey, Figures> = HashMap::new();
    let mut reader = Reader::new(svc).await?;
    let period = plan.period;
    let span = Span {
        from: period.start,
        to: period.end,
    };
    reader
        .each(svc, span, |counted, facts| {
            let record = &counted.record;
            let counting = indicators::classify(&record.state, &period);
            cells
                .entry(cell_key(counted))
                .or_default()
                .add(&counting, facts);
        })
        .await?;
    let cells = cells
        .into_iter()
        .map(|(key, figures)| Cell {
            figures,
            ..new_cell(&key, &reader.catalog)
        })
        .collect();
    Ok(plan.done(cells))
}

/// The cell a dossier counts in: its deciding agency, its procedure and
/// its evaluation rules.
fn cell_key(counted: &CountedDossier) -> CellKey {
    let record = &counted.record;
    CellKey {
        agency: record.deciding_agency,
        procedure: record.procedure_code.clone(),
        evaluation: record.state.regime.evaluation,
    }
}

/// An empty cell, named by its procedure's newest version in the catalog.
fn new_cell(key: &CellKey, catalog: &Catalog) -> Cell {
    let info = catalog.newest(&key.procedure);
    Cell {
        agency: key.agency,
        procedure: key.procedure.clone(),
        procedure_name: info.name,
        field: info.field,
        level: info.level,
        evaluation: key.evaluation,
        figures: Figures::default(),
    }
}

/// Reads the dossiers a span counts with what the statistics need of each:
/// its procedure as the catalog names it, and its facts (processing days
/// on its receiving unit's office hours and the official calendar).
struct Reader {
    catalog: Catalog,
    breaks: Vec<OfficialBreak>,
    calendar: WorkCalendar,
    hours: HashMap<AgencyId, OfficeHours>,
}

impl Reader {
    async fn new(svc: &Services) -> Result<Reader, AppError> {
        let breaks = svc.store.holiday_breaks().await?;
        Ok(Reader {
            catalog: Catalog::load(svc).await?,
            calendar: crate::apply::calendar_of(breaks.clone())?,
            breaks,
            hours: HashMap::new(),
        })
    }

    /// A fingerprint of what the facts read beyond the dossiers' own rows
    /// and the tables the database marks dossiers from: the catalog's
    /// levels and fees and the official calendar. When it changes, every
    /// kept contribution is counted again.
    fn basis(&self) -> Result<String, AppError> {
        let text = serde_json::to_string(&(KEPT_VERSION, self.catalog.basis(), &self.breaks))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(hex::encode(Sha256::digest(text.as_bytes())))
    }

    async fn each(
        &mut self,
        svc: &Services,
        span: Span,
        mut visit: impl FnMut(&CountedDossier, &Facts),
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
                let facts = self.facts(svc, counted).await?;
                visit(counted, &facts);
            }
        }
    }

    /// What the statistics read of `counted` beyond its record.
    async fn facts(&mut self, svc: &Services, counted: &CountedDossier) -> Result<Facts, AppError> {
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
        Ok(facts_of(counted, &info, cw))
    }
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

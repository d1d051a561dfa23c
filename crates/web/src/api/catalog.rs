//! The catalog and the address list: search procedures as the portal does,
//! read a whole catalog entry as in force today, and pick an address.
//!
//! A catalog entry is written exactly as the catalog file writes it (and
//! `motcua catalog export` in JSON): [`ProcedureDoc`] mirrors
//! `domain::catalog::Procedure` type by type, so the schema is derived from
//! the very types that are serialised, and a test checks that the mirror's
//! JSON is the domain's for every procedure of the demo catalog.

use axum::extract::{Path, State};
use chrono::NaiveDate;
use chrono::Utc;
use motcua_app::{apply, find};
use motcua_domain::address::{Commune, Province, ProvinceCode, Units};
use motcua_domain::calendar::{self, Period};
use motcua_domain::catalog::{
    Competent, DocumentForm, EntryStatus, Fee, FeeDue, FieldKind, FormField, Procedure,
    RequiredDocument, ServiceLevel, Step,
};
use motcua_domain::lifecycle::Role;
use motcua_store::Agency;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::schema::{BadRequest, DeliveryChoice, NotFound, RoleKey, Unavailable};
use crate::error::WebError;
use crate::extract::{Json, Query};
use crate::state::AppState;

fn today() -> NaiveDate {
    calendar::to_local(chrono::Utc::now()).date()
}

fn store_error(e: motcua_store::StoreError) -> WebError {
    WebError::from(motcua_app::AppError::from(e))
}

// --- the catalog entry, mirrored ----------------------------------------------

/// How far a procedure is offered online: `information` (on paper only),
/// `partial` (*một phần*: applied for online) or `full` (*toàn trình*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = ServiceLevel)]
pub(crate) enum LevelDoc {
    Information,
    Partial,
    Full,
}

impl From<ServiceLevel> for LevelDoc {
    fn from(level: ServiceLevel) -> Self {
        match level {
            ServiceLevel::Information => LevelDoc::Information,
            ServiceLevel::Partial => LevelDoc::Partial,
            ServiceLevel::Full => LevelDoc::Full,
        }
    }
}

/// A legal time limit, typed by how it is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case", tag = "unit", content = "value")]
#[schema(as = Period)]
pub(crate) enum PeriodDoc {
    /// *Ngày làm việc* (0: the same day).
    WorkingDays(u32),
    /// *Giờ làm việc*.
    WorkingHours(u32),
    /// *Ngày* (calendar days).
    CalendarDays(u32),
}

impl From<Period> for PeriodDoc {
    fn from(p: Period) -> Self {
        match p {
            Period::WorkingDays(n) => PeriodDoc::WorkingDays(n),
            Period::WorkingHours(n) => PeriodDoc::WorkingHours(n),
            Period::CalendarDays(n) => PeriodDoc::CalendarDays(n),
        }
    }
}

/// Who decides: one agency by its electronic identifier
/// (`{"agency": "000.00.60.H29"}`), or every agency of a kind for its own
/// area (`{"level": "commune"}`; the applicant picks which in the draft's
/// `agency` input).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = Competent)]
pub(crate) enum CompetentDoc {
    Agency(String),
    Level(String),
}

/// A fee or charge (*phí, lệ phí*), in đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = Fee)]
pub(crate) struct FeeDoc {
    name: String,
    amount_vnd: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    note: Option<String>,
    /// Absent: `assessed`.
    #[serde(skip_serializing_if = "FeeDueDoc::is_assessed")]
    #[schema(required = false)]
    due: FeeDueDoc,
    /// Given back when the dossier is refused or withdrawn (absent: no).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[schema(required = false)]
    refundable: bool,
    /// The electronic identifier of the agency that collects it, when it
    /// is not the deciding agency.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    collected_by: Option<String>,
}

/// When a fee falls due: on filing (paid online with a level-4
/// application), or when the specialist assesses it with the financial
/// obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = FeeDue)]
pub(crate) enum FeeDueDoc {
    Submission,
    Assessed,
}

impl FeeDueDoc {
    fn is_assessed(&self) -> bool {
        *self == FeeDueDoc::Assessed
    }
}

/// The form in which a document is handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = DocumentForm)]
pub(crate) enum DocumentFormDoc {
    /// *Bản chính*.
    Original,
    /// *Bản sao có chứng thực*.
    CertifiedCopy,
    /// *Bản sao*.
    Copy,
    /// *Bản chính hoặc bản sao có chứng thực*.
    OriginalOrCertifiedCopy,
}

/// A document the dossier must contain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = RequiredDocument)]
pub(crate) struct DocumentDoc {
    name: String,
    form: DocumentFormDoc,
    /// Number of sets (*số bộ*).
    sets: u8,
    required: bool,
    /// The form's upload field that carries it online, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    upload: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    note: Option<String>,
}

/// What a form field holds (its `type`) and the limits of that kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case", tag = "type")]
#[schema(as = FieldKind)]
pub(crate) enum FieldKindDoc {
    /// Free text, up to `max` characters.
    Text {
        max: u32,
    },
    /// Several lines of text.
    LongText {
        max: u32,
    },
    /// A whole number in `[min, max]`.
    Number {
        min: i64,
        max: i64,
    },
    /// A date, `YYYY-MM-DD` or `dd/mm/yyyy`.
    Date,
    /// One of `options`.
    Choice {
        options: Vec<String>,
    },
    /// A personal identification number (CCCD, 12 digits).
    IdentityNumber,
    /// A Vietnamese phone number.
    Phone,
    Email,
    /// An address: inputs `<id>.province` and `<id>.commune` (codes from
    /// `/api/addresses/…`) and `<id>.detail` (the street address), or
    /// `<id>.legacy` (an old address as text).
    Address,
    /// An upload (`POST /api/drafts/{id}/files?field=<id>`): accepted media
    /// types, recognised by content, and the largest size in bytes.
    File {
        accept: Vec<String>,
        max_bytes: u64,
        multiple: bool,
    },
}

/// A field of the application form: its input is named by `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = FormField)]
pub(crate) struct FormFieldDoc {
    id: String,
    /// The label in Vietnamese.
    label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    label_en: Option<String>,
    #[serde(flatten)]
    kind: FieldKindDoc,
    required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    help: Option<String>,
}

/// A step of the back office's workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = Step)]
pub(crate) struct StepDoc {
    id: String,
    name: String,
    #[schema(value_type = RoleKey)]
    role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    agency: Option<String>,
    time: PeriodDoc,
    /// The steps it waits for.
    after: Vec<String>,
}

/// How a catalog entry has been checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[schema(as = EntryStatus)]
pub(crate) enum EntryStatusDoc {
    /// Checked against the legal text or the national database.
    Verified,
    /// Taken from a secondary source, not checked.
    Unverified,
}

/// A catalog entry: one version of a procedure, as the catalog file writes
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = Procedure)]
pub(crate) struct ProcedureDoc {
    /// The code in the national database of procedures.
    #[schema(example = "2.000815")]
    code: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    name_en: Option<String>,
    competent: CompetentDoc,
    /// *Lĩnh vực*.
    field: String,
    level: LevelDoc,
    legal_basis: Vec<String>,
    processing_time: PeriodDoc,
    fees: Vec<FeeDoc>,
    documents: Vec<DocumentDoc>,
    /// The application form.
    form: Vec<FormFieldDoc>,
    /// What the applicant receives.
    result: String,
    steps: Vec<StepDoc>,
    /// Whether the public postal service may carry it.
    by_post: bool,
    /// When this version took effect.
    effective_from: NaiveDate,
    status: EntryStatusDoc,
    /// Where the facts come from.
    sources: Vec<String>,
}

impl From<&Procedure> for ProcedureDoc {
    fn from(p: &Procedure) -> Self {
        // Every field named (no `..`): a field added to the catalog does not
        // compile until the API says how it looks.
        let Procedure {
            code,
            name,
            name_en,
            competent,
            field,
            level,
            legal_basis,
            processing_time,
            fees,
            documents,
            form,
            result,
            steps,
            by_post,
            effective_from,
            status,
            sources,
        } = p;
        ProcedureDoc {
            code: code.clone(),
            name: name.clone(),
            name_en: name_en.clone(),
            competent: match competent {
                Competent::Agency(a) => CompetentDoc::Agency(a.clone()),
                Competent::Level(l) => CompetentDoc::Level(l.clone()),
            },
            field: field.clone(),
            level: (*level).into(),
            legal_basis: legal_basis.clone(),
            processing_time: (*processing_time).into(),
            fees: fees.iter().map(fee).collect(),
            documents: documents.iter().map(document).collect(),
            form: form.iter().map(form_field).collect(),
            result: result.clone(),
            steps: steps.iter().map(step).collect(),
            by_post: *by_post,
            effective_from: *effective_from,
            status: match status {
                EntryStatus::Verified => EntryStatusDoc::Verified,
                EntryStatus::Unverified => EntryStatusDoc::Unverified,
            },
            sources: sources.clone(),
        }
    }
}

fn fee(f: &Fee) -> FeeDoc {
    let Fee {
        name,
        amount_vnd,
        note,
        due,
        refundable,
        collected_by,
    } = f;
    FeeDoc {
        name: name.clone(),
        amount_vnd: *amount_vnd,
        note: note.clone(),
        due: match due {
            FeeDue::Submission => FeeDueDoc::Submission,
            FeeDue::Assessed => FeeDueDoc::Assessed,
        },
        refundable: *refundable,
        collected_by: collected_by.clone(),
    }
}

fn document(d: &RequiredDocument) -> DocumentDoc {
    let RequiredDocument {
        name,
        form,
        sets,
        required,
        upload,
        note,
    } = d;
    DocumentDoc {
        name: name.clone(),
        form: match form {
            DocumentForm::Original => DocumentFormDoc::Original,
            DocumentForm::CertifiedCopy => DocumentFormDoc::CertifiedCopy,
            DocumentForm::Copy => DocumentFormDoc::Copy,
            DocumentForm::OriginalOrCertifiedCopy => DocumentFormDoc::OriginalOrCertifiedCopy,
        },
        sets: *sets,
        required: *required,
        upload: upload.clone(),
        note: note.clone(),
    }
}

fn form_field(f: &FormField) -> FormFieldDoc {
    let FormField {
        id,
        label,
        label_en,
        kind,
        required,
        help,
    } = f;
    FormFieldDoc {
        id: id.clone(),
        label: label.clone(),
        label_en: label_en.clone(),
        kind: match kind {
            FieldKind::Text { max } => FieldKindDoc::Text { max: *max },
            FieldKind::LongText { max } => FieldKindDoc::LongText { max: *max },
            FieldKind::Number { min, max } => FieldKindDoc::Number {
                min: *min,
                max: *max,
            },
            FieldKind::Date => FieldKindDoc::Date,
            FieldKind::Choice { options } => FieldKindDoc::Choice {
                options: options.clone(),
            },
            FieldKind::IdentityNumber => FieldKindDoc::IdentityNumber,
            FieldKind::Phone => FieldKindDoc::Phone,
            FieldKind::Email => FieldKindDoc::Email,
            FieldKind::Address => FieldKindDoc::Address,
            FieldKind::File {
                accept,
                max_bytes,
                multiple,
            } => FieldKindDoc::File {
                accept: accept.clone(),
                max_bytes: *max_bytes,
                multiple: *multiple,
            },
        },
        required: *required,
        help: help.clone(),
    }
}

fn step(s: &Step) -> StepDoc {
    let Step {
        id,
        name,
        role,
        agency,
        time,
        after,
    } = s;
    StepDoc {
        id: id.clone(),
        name: name.clone(),
        role: role_key(*role),
        agency: agency.clone(),
        time: (*time).into(),
        after: after.clone(),
    }
}

fn role_key(role: Role) -> String {
    role.key().to_owned()
}

// --- search -------------------------------------------------------------------

/// The search, as the portal's search page does it.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchParams {
    /// Words of the name or the code; case and diacritics are ignored
    /// (`ket hon` finds *kết hôn*).
    #[serde(default)]
    q: String,
    /// Only this field (*lĩnh vực*), as listed in `fields`.
    #[serde(default)]
    field: String,
    /// Only this level: `information`, `partial` or `full`.
    #[serde(default)]
    level: String,
    /// The page, from 1 (20 results a page).
    #[serde(default)]
    #[param(minimum = 1, maximum = 500)]
    page: Option<u32>,
}

/// A procedure in a list of results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct ProcedureSummary {
    #[schema(example = "2.000815")]
    code: String,
    name: String,
    name_en: Option<String>,
    field: String,
    level: LevelDoc,
    processing_time: PeriodDoc,
    /// Whether it can be applied for online.
    online: bool,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct ProcedureSearch {
    page: u32,
    /// Whether another page follows.
    more: bool,
    procedures: Vec<ProcedureSummary>,
    /// Every field of the catalog in force, for a filter.
    fields: Vec<String>,
}

/// `GET /api/procedures`.
#[utoipa::path(
    get,
    path = "/api/procedures",
    tag = "catalog",
    operation_id = "searchProcedures",
    summary = "Search the catalog in force today",
    params(SearchParams),
    responses(
        (status = 200, description = "A page of results", body = ProcedureSearch),
        (status = 400, response = BadRequest),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Json<ProcedureSearch>, WebError> {
    let svc = state.require_services()?;
    let found = find::search(
        svc,
        &find::Search {
            text: params.q,
            field: params.field,
            level: ServiceLevel::from_key(&params.level),
            page: params.page.unwrap_or(1),
        },
        Utc::now(),
    )
    .await?;
    let procedures = found
        .procedures
        .iter()
        .map(|p| ProcedureSummary {
            code: p.code.clone(),
            name: p.name.clone(),
            name_en: p.name_en.clone(),
            field: p.field.clone(),
            level: p.level.into(),
            processing_time: p.processing_time.into(),
            online: p.level.online(),
        })
        .collect();
    Ok(Json(ProcedureSearch {
        page: found.page,
        more: found.more,
        procedures,
        fields: found.fields,
    }))
}

// --- one entry ----------------------------------------------------------------

/// An agency that may decide a procedure.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct AgencyChoice {
    /// The electronic identifier: the value of a draft's `agency` input.
    #[schema(example = "000.41.01.H82")]
    identifier: String,
    name: String,
}

impl From<&Agency> for AgencyChoice {
    fn from(a: &Agency) -> Self {
        AgencyChoice {
            identifier: a.identifier.as_str().to_owned(),
            name: a.name.clone(),
        }
    }
}

/// A catalog entry as in force today, with what applying for it takes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct ProcedureEntry {
    procedure: ProcedureDoc,
    /// The agencies that decide it: the one the entry names, or every
    /// agency of its level (then a draft's `agency` input picks one).
    agencies: Vec<AgencyChoice>,
    /// How the result can come back (a draft's `delivery`); empty when the
    /// procedure is not offered online.
    deliveries: Vec<DeliveryChoice>,
}

/// `GET /api/procedures/{code}`.
#[utoipa::path(
    get,
    path = "/api/procedures/{code}",
    tag = "catalog",
    operation_id = "getProcedure",
    summary = "A whole catalog entry, as in force today",
    params(("code" = String, Path, description = "The procedure's code", example = "2.000815")),
    responses(
        (status = 200, description = "The entry", body = ProcedureEntry),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    )
)]
pub(crate) async fn procedure(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<ProcedureEntry>, WebError> {
    let svc = state.require_services()?;
    let version = svc
        .store
        .procedure_in_force(&code, today())
        .await
        .map_err(store_error)?
        .ok_or_else(|| WebError::from(motcua_app::AppError::NotFound("procedure")))?;
    let p = &version.procedure;
    let agencies = match &p.competent {
        Competent::Agency(identifier) => svc
            .store
            .agency_by_identifier(identifier)
            .await
            .map_err(store_error)?
            .iter()
            .map(AgencyChoice::from)
            .collect(),
        Competent::Level(kind) => apply::agencies_of_kind(svc, kind)
            .await?
            .iter()
            .map(AgencyChoice::from)
            .collect(),
    };
    let mut deliveries = Vec::new();
    if p.level.online() {
        deliveries.push(DeliveryChoice::Counter);
        if p.by_post {
            deliveries.push(DeliveryChoice::Post);
        }
        if p.level == ServiceLevel::Full {
            deliveries.push(DeliveryChoice::Online);
        }
    }
    Ok(Json(ProcedureEntry {
        procedure: ProcedureDoc::from(p),
        agencies,
        deliveries,
    }))
}

// --- addresses ----------------------------------------------------------------

/// A province or centrally-run city.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Province)]
pub(crate) struct ProvinceView {
    /// Two digits: the value of an address's `<id>.province` input.
    #[schema(example = "82")]
    code: String,
    /// The official name (`Tỉnh Đồng Tháp`).
    name: String,
    /// Without the kind word (`Đồng Tháp`).
    short_name: String,
    /// `tinh` (province) or `thanh-pho` (city).
    #[schema(example = "tinh")]
    kind: String,
}

impl From<&Province> for ProvinceView {
    fn from(p: &Province) -> Self {
        ProvinceView {
            code: p.code.to_string(),
            name: p.name.clone(),
            short_name: p.short_name.clone(),
            kind: p.kind.key().to_owned(),
        }
    }
}

/// A commune, ward or special zone.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Commune)]
pub(crate) struct CommuneView {
    /// Five digits: the value of an address's `<id>.commune` input.
    #[schema(example = "29869")]
    code: String,
    name: String,
    short_name: String,
    /// `xa` (commune), `phuong` (ward) or `dac-khu` (special zone).
    #[schema(example = "phuong")]
    kind: String,
    /// The province's code.
    province: String,
}

impl From<&Commune> for CommuneView {
    fn from(c: &Commune) -> Self {
        CommuneView {
            code: c.code.to_string(),
            name: c.name.clone(),
            short_name: c.short_name.clone(),
            kind: c.kind.key().to_owned(),
            province: c.province.to_string(),
        }
    }
}

fn units() -> Result<&'static Units, WebError> {
    Units::bundled().map_err(WebError::internal)
}

/// `GET /api/addresses/provinces`.
#[utoipa::path(
    get,
    path = "/api/addresses/provinces",
    tag = "addresses",
    operation_id = "listProvinces",
    summary = "The provinces in force, by code",
    responses(
        (status = 200, description = "Every province", body = Vec<ProvinceView>),
    )
)]
pub(crate) async fn provinces() -> Result<Json<Vec<ProvinceView>>, WebError> {
    Ok(Json(
        units()?
            .provinces()
            .iter()
            .map(ProvinceView::from)
            .collect(),
    ))
}

/// `GET /api/addresses/provinces/{code}/communes`.
#[utoipa::path(
    get,
    path = "/api/addresses/provinces/{code}/communes",
    tag = "addresses",
    operation_id = "listCommunes",
    summary = "The communes of a province, by code",
    params(("code" = String, Path, description = "The province's two-digit code", example = "82")),
    responses(
        (status = 200, description = "Its communes", body = Vec<CommuneView>),
        (status = 404, response = NotFound),
    )
)]
pub(crate) async fn communes(Path(code): Path<String>) -> Result<Json<Vec<CommuneView>>, WebError> {
    let units = units()?;
    let code: ProvinceCode = code.parse().map_err(|_| WebError::NotFound)?;
    if units.province(code).is_none() {
        return Err(WebError::NotFound);
    }
    Ok(Json(
        units
            .communes_of(code)
            .into_iter()
            .map(CommuneView::from)
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::schema::serde_key;
    use super::*;

    #[test]
    fn the_mirror_writes_every_demo_procedure_as_the_catalog_does() {
        let catalog = motcua_app::catalog::parse(
            motcua_app::demo::CATALOG_YAML,
            motcua_app::catalog::Format::Yaml,
        )
        .unwrap();
        assert!(!catalog.procedures.is_empty());
        for p in &catalog.procedures {
            let domain = serde_json::to_value(p).unwrap();
            let mirror = serde_json::to_value(ProcedureDoc::from(p)).unwrap();
            assert_eq!(mirror, domain, "{}", p.code);
            for s in &p.steps {
                assert_eq!(role_key(s.role), serde_key(&s.role));
            }
        }
        // A fee due on filing, refundable, collected by another agency.
        let mut p = catalog.procedures[0].clone();
        p.fees = vec![Fee {
            name: "Lệ phí".into(),
            amount_vnd: 10_000,
            note: None,
            due: FeeDue::Submission,
            refundable: true,
            collected_by: Some("000.00.12.H29".into()),
        }];
        assert_eq!(
            serde_json::to_value(ProcedureDoc::from(&p)).unwrap(),
            serde_json::to_value(&p).unwrap()
        );
    }
}

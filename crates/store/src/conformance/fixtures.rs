//! A small province to run the cases on, and shortcuts to move dossiers
//! through the domain's lifecycle.

use std::sync::{Arc, LazyLock};

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::calendar::{self, OfficeHours, Period, WorkCalendar};
use motcua_domain::code;
use motcua_domain::lifecycle::{Action, Channel, Clockwork, Dossier, Role};

use crate::Store;
use crate::model::{
    Agency, AgencyKind, Applicant, CodeSource, Delivery, DossierRecord, NewAgency, NewDossier,
    NewEvent, TokenHash,
};

static CALENDAR: LazyLock<WorkCalendar> =
    LazyLock::new(|| WorkCalendar::bundled().expect("the bundled holiday schedule is valid"));
static HOURS: LazyLock<OfficeHours> = LazyLock::new(OfficeHours::standard);

/// The calendar the cases count with.
pub fn cw() -> Clockwork<'static> {
    Clockwork {
        calendar: &CALENDAR,
        hours: &HOURS,
    }
}

/// A wall-clock time in Vietnam.
pub fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    calendar::to_utc(
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|day| day.and_hms_opt(h, min, 0))
            .expect("a valid test time"),
    )
}

/// A province with a service centre, a department and a commune.
pub struct Fixture {
    pub store: Arc<dyn Store>,
    pub province: Agency,
    pub centre: Agency,
    pub department: Agency,
    pub commune: Agency,
}

/// Agencies get fixed ids so that the fixed timeline (and its hash) is the
/// same on every run and engine; a database holds one fixture.
fn agency(
    n: u128,
    parent: Option<&Agency>,
    identifier: &str,
    name: &str,
    kind: AgencyKind,
) -> NewAgency {
    NewAgency {
        id: crate::ids::AgencyId::from_uuid(uuid::Uuid::from_u128(
            0x0192_0000_0000_7000_8000_0000_0001_0000 + n,
        )),
        parent: parent.map(|a| a.id),
        identifier: code::AgencyId::new(identifier).expect("a valid identifier"),
        name: name.to_owned(),
        kind,
        office_hours: OfficeHours::standard(),
        receives_any_procedure: kind == AgencyKind::ServiceCentre,
        // A commune's office stands in a commune of the list (Cao Lãnh).
        commune: (kind == AgencyKind::Commune)
            .then(|| motcua_domain::address::CommuneCode::new(29869))
            .flatten(),
    }
}

impl Fixture {
    pub async fn new(store: Arc<dyn Store>) -> Fixture {
        let province = store
            .create_agency(agency(
                1,
                None,
                "H29",
                "UBND tỉnh Đồng Tháp",
                AgencyKind::Province,
            ))
            .await
            .unwrap();
        let centre = store
            .create_agency(agency(
                2,
                Some(&province),
                "000.00.01.H29",
                "Trung tâm Phục vụ hành chính công tỉnh",
                AgencyKind::ServiceCentre,
            ))
            .await
            .unwrap();
        let department = store
            .create_agency(agency(
                3,
                Some(&province),
                "000.00.12.H29",
                "Sở Tư pháp",
                AgencyKind::Department,
            ))
            .await
            .unwrap();
        let commune = store
            .create_agency(agency(
                4,
                Some(&province),
                "000.31.40.H29",
                "UBND phường Cao Lãnh",
                AgencyKind::Commune,
            ))
            .await
            .unwrap();
        Fixture {
            store,
            province,
            centre,
            department,
            commune,
        }
    }

    /// The fixture of a database that has it already, or a new one.
    pub async fn load_or_new(store: Arc<dyn Store>) -> Fixture {
        let id = |n: u128| {
            crate::ids::AgencyId::from_uuid(uuid::Uuid::from_u128(
                0x0192_0000_0000_7000_8000_0000_0001_0000 + n,
            ))
        };
        let Some(province) = store.agency(id(1)).await.unwrap() else {
            return Fixture::new(store).await;
        };
        let get = |n| {
            let store = store.clone();
            async move { store.agency(id(n)).await.unwrap().unwrap() }
        };
        Fixture {
            province,
            centre: get(2).await,
            department: get(3).await,
            commune: get(4).await,
            store,
        }
    }

    /// A dossier entering at the centre's counter at `at`, decided by the
    /// department, its code allocated under the centre's identifier.
    pub fn new_dossier(&self, at: DateTime<Utc>, days: u32) -> NewDossier {
        let (_, entry) = Dossier::enter(
            Channel::Counter,
            Period::WorkingDays(days),
            Role::ReceptionOfficer,
            at,
            cw(),
        )
        .unwrap();
        NewDossier {
            id: crate::ids::DossierId::new(),
            code: CodeSource::Allocate {
                agency: self.centre.identifier.clone(),
            },
            procedure_code: "1.001193".into(),
            procedure_version: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
            receiving_unit: self.centre.id,
            deciding_agency: self.department.id,
            applicant: Applicant {
                user: None,
                name: "Nguyễn Thị Ánh".into(),
                identity_number: Some("087190000123".into()),
                phone: Some("0912345678".into()),
                email: None,
                address: Some("Phường 1, Cao Lãnh, Đồng Tháp".into()),
            },
            delivery: Delivery::Counter,
            pin_hash: TokenHash::of("123456"),
            form: Default::default(),
            actor: None,
            entry,
            attachments: vec![],
            jobs: vec![],
        }
    }

    pub async fn create(&self, at: DateTime<Utc>) -> DossierRecord {
        self.store
            .create_dossier(self.new_dossier(at, 5))
            .await
            .unwrap()
    }

    /// Decides `action` on the stored state and appends it.
    pub async fn act(
        &self,
        record: &DossierRecord,
        action: Action,
        role: Role,
        at: DateTime<Utc>,
    ) -> DossierRecord {
        let event = record.state.decide(action, role, at, cw()).unwrap();
        self.store
            .append_event(
                record.id,
                record.event_count,
                NewEvent {
                    actor: None,
                    event,
                    attachments: vec![],
                    jobs: vec![],
                },
            )
            .await
            .unwrap()
    }

    /// Accepts, assigns, approves and returns a dossier.
    pub async fn walk_to_return(
        &self,
        record: DossierRecord,
        start: DateTime<Utc>,
    ) -> DossierRecord {
        let r = self
            .act(&record, Action::Accept, Role::ReceptionOfficer, start)
            .await;
        self.walk_from_accepted(r, start).await
    }

    /// Assigns, approves and returns an accepted dossier, an hour a step
    /// from `start`.
    pub async fn walk_from_accepted(
        &self,
        r: DossierRecord,
        start: DateTime<Utc>,
    ) -> DossierRecord {
        let hour = chrono::TimeDelta::hours(1);
        let r = self
            .act(
                &r,
                Action::Assign { to: None },
                Role::Specialist,
                start + hour,
            )
            .await;
        let r = self
            .act(
                &r,
                Action::SubmitForApproval,
                Role::Specialist,
                start + hour * 2,
            )
            .await;
        let r = self
            .act(&r, Action::Approve, Role::Approver, start + hour * 3)
            .await;
        self.act(
            &r,
            Action::ReturnResult { recipient: None },
            Role::ReturnOfficer,
            start + hour * 4,
        )
        .await
    }
}

/// A small catalog entry for the cases.
pub fn procedure(
    code: &str,
    name: &str,
    field: &str,
    level: motcua_domain::catalog::ServiceLevel,
    competent: motcua_domain::catalog::Competent,
    from: NaiveDate,
    days: u32,
) -> motcua_domain::catalog::Procedure {
    use motcua_domain::catalog::{
        DocumentForm, EntryStatus, Fee, FieldKind, FormField, Procedure, RequiredDocument,
    };
    Procedure {
        code: code.into(),
        name: name.into(),
        name_en: None,
        competent,
        field: field.into(),
        level,
        legal_basis: vec!["Luật Hộ tịch 2014".into()],
        processing_time: Period::WorkingDays(days),
        fees: vec![Fee {
            name: "Lệ phí".into(),
            amount_vnd: 8_000,
            note: None,
            due: Default::default(),
            refundable: false,
            collected_by: None,
        }],
        documents: vec![RequiredDocument {
            name: "Tờ khai".into(),
            form: DocumentForm::Original,
            sets: 1,
            required: true,
            upload: Some("to_khai".into()),
            note: None,
        }],
        form: vec![FormField {
            id: "to_khai".into(),
            label: "Tờ khai".into(),
            label_en: None,
            kind: FieldKind::File {
                accept: vec!["application/pdf".into()],
                max_bytes: 5 << 20,
                multiple: false,
            },
            required: true,
            help: None,
        }],
        result: "Kết quả".into(),
        steps: vec![],
        by_post: true,
        effective_from: from,
        status: EntryStatus::Unverified,
        sources: vec!["test".into()],
    }
}

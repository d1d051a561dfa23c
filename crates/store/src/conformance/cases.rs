//! The cases. Each takes a fresh database and panics on the first thing an
//! engine does differently from the contract in [`crate::Store`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use motcua_domain::calendar::{self, OfficeHours, OfficialBreak, Period, Verification};
use motcua_domain::code::DossierCode;
use motcua_domain::forms::FormValues;
use motcua_domain::lifecycle::{Action, CapturedDocument, Channel, Dossier, Handover, Role, Stage};
use serde_json::json;
use uuid::Uuid;

use super::fixtures::{Fixture, cw, vn};
use super::{Tamper, TestDatabase};
use crate::Store;
use crate::error::StoreError;
use crate::hash::Hash;
use crate::ids::{DossierId, JobId, UserId};
use crate::model::{
    Agency, AgencyKind, CodeSource, Delivery, DossierRecord, Draft, DraftFile, FailOutcome,
    ImportedDossier, JobState, NewApiToken, NewAttachment, NewAuditEntry, NewDossier, NewEvent,
    NewJob, NewSession, NewUser, NewUserToken, Page, ProcedureQuery, ProcedureVersion, QueueCounts,
    QueueQuery, Rating, Satisfaction, TokenHash, TokenPurpose, User, UserKind,
};
use crate::timeline::{self, Defect};
use crate::verify;

pub async fn agencies_form_a_tree(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let roots = store.child_agencies(None).await.unwrap();
    assert_eq!(roots, vec![f.province.clone()]);
    let children: Vec<String> = store
        .child_agencies(Some(f.province.id))
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    // Ordered by name, Vietnamese letters included.
    assert_eq!(
        children,
        vec![
            "Sở Tư pháp".to_owned(),
            "Trung tâm Phục vụ hành chính công tỉnh".to_owned(),
            "UBND phường Cao Lãnh".to_owned(),
        ]
    );
    let found = store
        .agency_by_identifier("000.00.12.H29")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, f.department);
    assert_eq!(store.agency(f.centre.id).await.unwrap().unwrap(), f.centre);
    assert!(f.centre.receives_any_procedure);

    // The same identifier twice is a conflict.
    let mut twin = crate::model::NewAgency {
        id: crate::ids::AgencyId::new(),
        parent: Some(f.province.id),
        identifier: f.department.identifier.clone(),
        name: "Sở khác".into(),
        kind: AgencyKind::Department,
        office_hours: OfficeHours::standard(),
        receives_any_procedure: false,
        commune: None,
    };
    assert!(matches!(
        store.create_agency(twin.clone()).await,
        Err(StoreError::Conflict { .. })
    ));

    // Names are stored in NFC whatever form they come in.
    twin.identifier = motcua_domain::code::AgencyId::new("000.00.13.H29").unwrap();
    twin.id = crate::ids::AgencyId::new();
    twin.name = "Sở Tài chi\u{301}nh".into();
    let created = store.create_agency(twin).await.unwrap();
    assert_eq!(created.name, "Sở Tài chính");

    // Office hours and names can change.
    let mut centre = f.centre.clone();
    centre.name = "Trung tâm Phục vụ hành chính công".into();
    centre.office_hours = OfficeHours::new(vec![motcua_domain::calendar::office_hours::Session {
        start: chrono::NaiveTime::from_hms_opt(7, 30, 0).unwrap(),
        end: chrono::NaiveTime::from_hms_opt(16, 30, 0).unwrap(),
    }])
    .unwrap();
    // So can where its office stands.
    centre.commune = motcua_domain::address::CommuneCode::new(28261);
    store.update_agency(&centre).await.unwrap();
    assert_eq!(store.agency(centre.id).await.unwrap().unwrap(), centre);
    assert_eq!(
        store.agency(f.commune.id).await.unwrap().unwrap().commune,
        motcua_domain::address::CommuneCode::new(29869)
    );
    assert!(
        store
            .agency(crate::ids::AgencyId::new())
            .await
            .unwrap()
            .is_none()
    );

    // A merged agency is found from the one it was merged into.
    assert!(
        store
            .merged_agencies(f.commune.id)
            .await
            .unwrap()
            .is_empty()
    );
    let mut finance = created;
    finance.merged_into = Some(f.department.id);
    store.update_agency(&finance).await.unwrap();
    assert_eq!(
        store.merged_agencies(f.department.id).await.unwrap(),
        vec![finance.clone()]
    );
    assert!(store.merged_agencies(finance.id).await.unwrap().is_empty());
}

pub async fn users_log_in_by_email_phone_or_identity(db: &dyn TestDatabase) {
    let store = db.open().await;
    let user = store
        .create_user(NewUser {
            kind: UserKind::Citizen,
            full_name: "Trần Văn Bình".into(),
            email: Some("Binh.Tran@Example.vn".into()),
            phone: Some("0912345678".into()),
            identity_number: Some("087190000123".into()),
            password_hash: None,
            representative: None,
            language: "vi".into(),
        })
        .await
        .unwrap();
    assert_eq!(user.email.as_deref(), Some("binh.tran@example.vn"));
    for login in [
        "binh.tran@example.vn",
        "BINH.TRAN@EXAMPLE.VN",
        "0912345678",
        "087190000123",
    ] {
        assert_eq!(
            store.user_by_login(login).await.unwrap().map(|u| u.id),
            Some(user.id),
            "{login}"
        );
    }
    assert!(
        store
            .user_by_login("someone@else.vn")
            .await
            .unwrap()
            .is_none()
    );
    let again = NewUser {
        kind: UserKind::Citizen,
        full_name: "Người khác".into(),
        email: Some("binh.tran@EXAMPLE.vn".into()),
        phone: None,
        identity_number: None,
        password_hash: None,
        representative: None,
        language: "vi".into(),
    };
    assert!(matches!(
        store.create_user(again).await,
        Err(StoreError::Conflict { .. })
    ));
    store
        .set_password_hash(user.id, "$argon2id$v=19$x")
        .await
        .unwrap();
    store.set_user_disabled(user.id, true).await.unwrap();
    let read = store.user(user.id).await.unwrap().unwrap();
    assert_eq!(read.password_hash.as_deref(), Some("$argon2id$v=19$x"));
    assert!(read.disabled);
    assert!(matches!(
        store
            .set_password_hash(crate::ids::UserId::new(), "x")
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn roles_are_granted_per_agency(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let official = store
        .create_user(NewUser {
            kind: UserKind::Official,
            full_name: "Lê Thị Cúc".into(),
            email: Some("cuc@dongthap.gov.vn".into()),
            phone: None,
            identity_number: None,
            password_hash: None,
            representative: None,
            language: "vi".into(),
        })
        .await
        .unwrap();
    let at = vn(2025, 9, 8, 8, 0);
    store
        .grant_role(official.id, f.centre.id, Role::ReceptionOfficer, at)
        .await
        .unwrap();
    store
        .grant_role(official.id, f.department.id, Role::Specialist, at)
        .await
        .unwrap();
    // Granting twice is harmless.
    store
        .grant_role(official.id, f.centre.id, Role::ReceptionOfficer, at)
        .await
        .unwrap();
    let roles: BTreeSet<(crate::ids::AgencyId, &str)> = store
        .roles(official.id)
        .await
        .unwrap()
        .iter()
        .map(|g| (g.agency, g.role.key()))
        .collect();
    assert_eq!(
        roles,
        BTreeSet::from([
            (f.centre.id, "reception-officer"),
            (f.department.id, "specialist")
        ])
    );
    // The agency lists its officials.
    let at_centre = store.grants_at(f.centre.id).await.unwrap();
    assert_eq!(
        at_centre
            .iter()
            .map(|g| (g.user, g.role))
            .collect::<Vec<_>>(),
        vec![(official.id, Role::ReceptionOfficer)]
    );
    assert!(store.grants_at(f.commune.id).await.unwrap().is_empty());
    assert!(
        store
            .revoke_role(official.id, f.centre.id, Role::ReceptionOfficer)
            .await
            .unwrap()
    );
    assert!(
        !store
            .revoke_role(official.id, f.centre.id, Role::ReceptionOfficer)
            .await
            .unwrap()
    );
    assert_eq!(store.roles(official.id).await.unwrap().len(), 1);
}

pub async fn sessions_and_tokens_are_kept_by_hash(db: &dyn TestDatabase) {
    let store = db.open().await;
    let user = store
        .create_user(NewUser {
            kind: UserKind::Official,
            full_name: "Phạm Minh Đức".into(),
            email: Some("duc@dongthap.gov.vn".into()),
            phone: None,
            identity_number: None,
            password_hash: None,
            representative: None,
            language: "vi".into(),
        })
        .await
        .unwrap();
    let now = vn(2025, 9, 8, 8, 0);
    let hash = TokenHash::of("cookie-secret");
    let session = store
        .create_session(NewSession {
            user: user.id,
            token_hash: hash,
            now,
            expires_at: now + TimeDelta::hours(8),
        })
        .await
        .unwrap();
    assert_eq!(store.session(&hash).await.unwrap(), Some(session.clone()));
    assert!(
        store
            .session(&TokenHash::of("other"))
            .await
            .unwrap()
            .is_none()
    );
    store
        .touch_session(session.id, now + TimeDelta::minutes(5))
        .await
        .unwrap();
    assert_eq!(
        store.session(&hash).await.unwrap().unwrap().last_seen_at,
        now + TimeDelta::minutes(5)
    );
    let second = store
        .create_session(NewSession {
            user: user.id,
            token_hash: TokenHash::of("second"),
            now,
            expires_at: now + TimeDelta::hours(8),
        })
        .await
        .unwrap();
    store
        .revoke_session(session.id, now + TimeDelta::minutes(6))
        .await
        .unwrap();
    assert!(
        store
            .session(&hash)
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_some()
    );
    assert_eq!(
        store
            .revoke_user_sessions(user.id, now + TimeDelta::minutes(7))
            .await
            .unwrap(),
        1
    );
    assert!(
        store
            .session(&second.token_hash)
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_some()
    );

    let token_hash = TokenHash::of("api-secret");
    let token = store
        .create_api_token(NewApiToken {
            user: user.id,
            name: "Cổng bưu chính".into(),
            token_hash,
            now,
            expires_at: None,
        })
        .await
        .unwrap();
    assert_eq!(
        store.api_token(&token_hash).await.unwrap(),
        Some(token.clone())
    );
    store.revoke_api_token(token.id, now).await.unwrap();
    assert_eq!(
        store
            .api_token(&token_hash)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(now)
    );
}

fn on(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn version(p: motcua_domain::catalog::Procedure) -> ProcedureVersion {
    ProcedureVersion {
        procedure: p,
        updated_at: vn(2025, 1, 1, 8, 0),
    }
}

pub async fn procedures_are_versioned_by_date(db: &dyn TestDatabase) {
    use motcua_domain::catalog::{Competent, ServiceLevel};
    let store = db.open().await;
    let lltp = |from: NaiveDate, days: u32| {
        version(super::fixtures::procedure(
            "1.001193",
            "Cấp Phiếu lý lịch tư pháp",
            "Lý lịch tư pháp",
            ServiceLevel::Full,
            Competent::Agency("000.00.12.H29".into()),
            from,
            days,
        ))
    };
    store
        .put_procedure_version(&lltp(on(2024, 1, 1), 10))
        .await
        .unwrap();
    store
        .put_procedure_version(&lltp(on(2025, 7, 1), 7))
        .await
        .unwrap();
    assert!(
        store
            .procedure_in_force("1.001193", on(2023, 12, 31))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .procedure_in_force("1.001193", on(2025, 6, 30))
            .await
            .unwrap()
            .unwrap()
            .procedure
            .processing_time,
        Period::WorkingDays(10)
    );
    let current = store
        .procedure_in_force("1.001193", on(2025, 7, 1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(current, lltp(on(2025, 7, 1), 7));
    // Saving the same date again replaces that version.
    store
        .put_procedure_version(&lltp(on(2025, 7, 1), 5))
        .await
        .unwrap();
    let versions = store.procedure_versions("1.001193").await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        versions[1].procedure.processing_time,
        Period::WorkingDays(5)
    );
    assert_eq!(store.all_procedure_versions().await.unwrap().len(), 2);
}

pub async fn the_catalog_is_searched_as_it_stands_on_a_day(db: &dyn TestDatabase) {
    use motcua_domain::catalog::{Competent, ServiceLevel};
    let store = db.open().await;
    let p = |code: &str, name: &str, field: &str, level, competent: Competent, from| {
        version(super::fixtures::procedure(
            code, name, field, level, competent, from, 5,
        ))
    };
    let commune = || Competent::Level("commune".into());
    let catalog = vec![
        p(
            "1.001193",
            "Cấp Phiếu lý lịch tư pháp",
            "Lý lịch tư pháp",
            ServiceLevel::Full,
            Competent::Agency("000.00.12.H29".into()),
            on(2024, 1, 1),
        ),
        p(
            "1.000894",
            "Đăng ký khai sinh",
            "Hộ tịch",
            ServiceLevel::Full,
            commune(),
            on(2024, 1, 1),
        ),
        p(
            "1.001022",
            "Đăng ký kết hôn",
            "Hộ tịch",
            ServiceLevel::Partial,
            commune(),
            on(2024, 1, 1),
        ),
        p(
            "1.009994",
            "Cấp giấy phép xây dựng nhà ở riêng lẻ",
            "Xây dựng",
            ServiceLevel::Partial,
            commune(),
            on(2024, 1, 1),
        ),
        // Renamed from 2026: before then, the old name is the one in force.
        p(
            "1.009994",
            "Cấp giấy phép xây dựng mới nhà ở riêng lẻ",
            "Xây dựng",
            ServiceLevel::Full,
            commune(),
            on(2026, 1, 1),
        ),
        p(
            "2.000001",
            "Thủ tục chưa có hiệu lực",
            "Hộ tịch",
            ServiceLevel::Full,
            commune(),
            on(2030, 1, 1),
        ),
    ];
    assert_eq!(store.import_procedures(&catalog).await.unwrap(), 6);
    let search =
        |text: Option<&str>, field: Option<&str>, level: Option<ServiceLevel>, day: NaiveDate| {
            let store = store.clone();
            let q = ProcedureQuery {
                text: text.map(str::to_owned),
                field: field.map(str::to_owned),
                level,
                competent: None,
                on: day,
                limit: 50,
                offset: 0,
            };
            async move {
                store
                    .search_procedures(&q)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|v| (v.procedure.code, v.procedure.name))
                    .collect::<Vec<_>>()
            }
        };
    let today = on(2025, 9, 8);
    // Without diacritics, any case, and the code itself.
    assert_eq!(
        search(Some("GIAY phep  xay dung"), None, None, today).await,
        vec![(
            "1.009994".into(),
            "Cấp giấy phép xây dựng nhà ở riêng lẻ".into()
        )]
    );
    assert_eq!(search(Some("1.000894"), None, None, today).await.len(), 1);
    assert_eq!(
        search(None, Some("Hộ tịch"), None, today).await,
        vec![
            ("1.001022".into(), "Đăng ký kết hôn".into()),
            ("1.000894".into(), "Đăng ký khai sinh".into()),
        ]
    );
    assert_eq!(
        search(None, None, Some(ServiceLevel::Partial), today)
            .await
            .len(),
        2
    );
    assert_eq!(
        search(Some("xay dung"), None, None, on(2026, 2, 1)).await,
        vec![(
            "1.009994".into(),
            "Cấp giấy phép xây dựng mới nhà ở riêng lẻ".into()
        )]
    );
    // A LIKE wildcard typed by a user is a literal.
    assert!(search(Some("%"), None, None, today).await.is_empty());
    assert_eq!(
        store.procedure_fields(today).await.unwrap(),
        vec![
            "Hộ tịch".to_owned(),
            "Lý lịch tư pháp".to_owned(),
            "Xây dựng".to_owned()
        ]
    );
    let mut q = ProcedureQuery::all_on(today, 2);
    assert_eq!(store.search_procedures(&q).await.unwrap().len(), 2);
    q.offset = 2;
    assert_eq!(store.search_procedures(&q).await.unwrap().len(), 2);
    // An import is all or nothing.
    let mut bad = catalog.clone();
    bad[2].procedure.name = "có\0NUL".into();
    assert!(store.import_procedures(&bad).await.is_err());
    assert_eq!(store.all_procedure_versions().await.unwrap().len(), 6);
}

pub async fn a_dossier_is_created_with_its_code_event_attachments_and_jobs(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    // 23:30 on 08/09/2025 in Vietnam is still the 8th: the code says 250908.
    let at = vn(2025, 9, 8, 23, 30) + TimeDelta::nanoseconds(123_456_789);
    let mut new = f.new_dossier(at, 5);
    new.attachments.push(NewAttachment {
        file_name: "to-khai.pdf".into(),
        media_type: "application/pdf".into(),
        size: 204_800,
        sha256: Hash::of(b"pdf"),
        blob_key: Hash::of(b"pdf").to_hex(),
        field: None,
    });
    new.jobs
        .push(NewJob::new("email.send", json!({"to": "a@b.vn"}), at));
    let record = store.create_dossier(new).await.unwrap();
    assert_eq!(record.code.as_str(), "000.00.01.H29-250908-0001");
    assert_eq!(record.event_count, 1);
    assert_eq!(record.state.stage, Stage::AwaitingReception);
    assert_eq!(record.state.channel, Channel::Counter);
    // Stored to the microsecond.
    assert_eq!(
        record.state.entered_at.timestamp_subsec_nanos(),
        123_456_000
    );
    assert_eq!(store.dossier(record.id).await.unwrap().unwrap(), record);
    assert_eq!(
        store
            .dossier_by_code("000.00.01.H29-250908-0001")
            .await
            .unwrap()
            .unwrap()
            .id,
        record.id
    );
    let events = store.events(record.id).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].prev_hash, Hash::GENESIS);
    assert_eq!(events[0].hash, record.head_hash);
    let attachments = store.attachments(record.id).await.unwrap();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0].event_seq, 1);
    assert_eq!(attachments[0].size, 204_800);
    // The job was written with the dossier.
    let jobs = store
        .claim_jobs("w1", at + TimeDelta::seconds(1), TimeDelta::minutes(1), 10)
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].kind, "email.send");
    // Text is NFC; the applicant as declared.
    assert_eq!(record.applicant.name, "Nguyễn Thị Ánh");
}

pub async fn codes_run_per_agency_and_day(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let day1 = vn(2025, 9, 8, 9, 0);
    let a = f.create(day1).await;
    let b = f.create(day1 + TimeDelta::minutes(1)).await;
    let c = f.create(vn(2025, 9, 9, 9, 0)).await;
    let mut other = f.new_dossier(day1, 5);
    other.code = CodeSource::Allocate {
        agency: f.commune.identifier.clone(),
    };
    let d = store.create_dossier(other).await.unwrap();
    assert_eq!(a.code.as_str(), "000.00.01.H29-250908-0001");
    assert_eq!(b.code.as_str(), "000.00.01.H29-250908-0002");
    assert_eq!(c.code.as_str(), "000.00.01.H29-250909-0001");
    assert_eq!(d.code.as_str(), "000.31.40.H29-250908-0001");
}

pub async fn upstream_codes_are_kept(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let at = vn(2025, 9, 8, 9, 0);
    let mut new = f.new_dossier(at, 5);
    let upstream = DossierCode::upstream("G22.9-250908-0000777").unwrap();
    new.code = CodeSource::Upstream(upstream.clone());
    let record = store.create_dossier(new).await.unwrap();
    assert_eq!(record.code, upstream);
    let mut twice = f.new_dossier(at, 5);
    twice.code = CodeSource::Upstream(upstream);
    assert!(matches!(
        store.create_dossier(twice).await,
        Err(StoreError::Conflict { .. })
    ));
    // The allocated counter is untouched by upstream codes.
    assert_eq!(
        f.create(at).await.code.as_str(),
        "000.00.01.H29-250908-0001"
    );
}

pub async fn events_append_with_the_state_in_one_transaction(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let start = vn(2025, 9, 8, 9, 0);
    let record = f.create(start).await;
    let returned = f.walk_to_return(record.clone(), start).await;
    assert_eq!(returned.state.stage, Stage::Returned);
    assert_eq!(returned.event_count, 6);
    let events = store.events(record.id).await.unwrap();
    assert_eq!(events.len(), 6);
    for (i, pair) in events.windows(2).enumerate() {
        assert_eq!(pair[1].prev_hash, pair[0].hash, "link {i}");
        assert_eq!(pair[1].seq, pair[0].seq + 1);
    }
    assert_eq!(events.last().unwrap().hash, returned.head_hash);
    // The state read back is the replay of the timeline.
    let replayed =
        Dossier::replay(&events.iter().map(|e| e.event.clone()).collect::<Vec<_>>()).unwrap();
    assert_eq!(replayed, returned.state);
    assert_eq!(store.dossier(record.id).await.unwrap().unwrap(), returned);
    assert!(verify::verify(store.clone(), |_| {}).await.unwrap().is_ok());
}

pub async fn a_stale_or_illegal_append_leaves_nothing(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let start = vn(2025, 9, 8, 9, 0);
    let record = f.create(start).await;
    let accepted = f
        .act(&record, Action::Accept, Role::ReceptionOfficer, start)
        .await;
    // Decided on the old state: the count no longer matches.
    let stale = record
        .state
        .decide(Action::Accept, Role::ReceptionOfficer, start, cw())
        .unwrap();
    let job = NewJob::new("email.send", json!({}), start);
    let err = store
        .append_event(
            record.id,
            record.event_count,
            NewEvent {
                actor: None,
                event: stale.clone(),
                attachments: vec![],
                jobs: vec![job.clone()],
            },
        )
        .await;
    assert!(matches!(err, Err(StoreError::Conflict { .. })), "{err:?}");
    // The right count but an event the stored state does not allow.
    let err = store
        .append_event(
            record.id,
            accepted.event_count,
            NewEvent {
                actor: None,
                event: stale,
                attachments: vec![],
                jobs: vec![job],
            },
        )
        .await;
    assert!(matches!(err, Err(StoreError::Lifecycle(_))), "{err:?}");
    assert_eq!(store.dossier(record.id).await.unwrap().unwrap(), accepted);
    assert_eq!(store.events(record.id).await.unwrap().len(), 2);
    let jobs = store
        .claim_jobs("w", start + TimeDelta::hours(1), TimeDelta::minutes(1), 10)
        .await
        .unwrap();
    assert!(jobs.is_empty(), "no job of a refused change survives");
    // An unknown dossier.
    let err = store
        .append_event(
            DossierId::new(),
            1,
            NewEvent {
                actor: None,
                event: accepted
                    .state
                    .decide(Action::Assign { to: None }, Role::Specialist, start, cw())
                    .unwrap(),
                attachments: vec![],
                jobs: vec![],
            },
        )
        .await;
    assert!(matches!(err, Err(StoreError::NotFound { .. })), "{err:?}");
}

/// The test vectors: the fixed timeline's events as the documented encoding
/// hashes them, checked independently by `tools/hash-vectors/check.py`.
pub const HASH_VECTORS: &str = include_str!("../../tests/vectors/hash-chain.json");

/// Events as written in the vectors file.
pub fn vector_events(events: &[crate::model::EventRecord]) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = events
        .iter()
        .map(|e| {
            json!({
                "dossier": e.dossier.to_string(),
                "seq": e.seq,
                "at_micros": e.at.timestamp_micros(),
                "actor": e.actor.map(|a| a.to_string()),
                "role": e.role.key(),
                "action": e.action.key(),
                "reason": e.reason,
                "payload": e.payload,
                "prev_hash": e.prev_hash.to_hex(),
                "hash": e.hash.to_hex(),
            })
        })
        .collect();
    serde_json::Value::Array(rows)
}

/// A timeline with fixed ids and instants (with nanoseconds that the store
/// must drop), the same on every engine.
pub async fn fixed_timeline(store: Arc<dyn Store>) -> crate::model::DossierRecord {
    let f = Fixture::load_or_new(store.clone()).await;
    let at = vn(2025, 9, 8, 9, 0) + TimeDelta::nanoseconds(987_654_321);
    let mut new = f.new_dossier(at, 5);
    new.id = DossierId::from_uuid(Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0001));
    new.actor = Some(crate::ids::UserId::from_uuid(Uuid::from_u128(
        0x0192_0000_0000_7000_8000_0000_0000_0002,
    )));
    let record = store.create_dossier(new).await.unwrap();
    let r = f
        .act(
            &record,
            Action::Accept,
            Role::ReceptionOfficer,
            at + TimeDelta::minutes(10),
        )
        .await;
    let r = f
        .act(
            &r,
            Action::Assign { to: None },
            Role::Specialist,
            at + TimeDelta::hours(1),
        )
        .await;
    let asked = Action::RequestAppraisalSupplement {
        items: vec!["Bản sao Căn cước công dân".into()],
        reason: "Thiếu giấy tờ \"tuỳ thân\"".into(),
    };
    f.act(&r, asked, Role::Specialist, at + TimeDelta::hours(2))
        .await
}

/// A filled form with a value of every kind.
pub fn sample_form() -> FormValues {
    use motcua_domain::address::Address;
    use motcua_domain::forms::FieldValue;
    let mut values = BTreeMap::new();
    values.insert(
        "ho_ten".to_owned(),
        FieldValue::Text("Nguyễn Thị Ánh".into()),
    );
    values.insert("so_ban".to_owned(), FieldValue::Number(2));
    values.insert(
        "ngay_sinh".to_owned(),
        FieldValue::Date(NaiveDate::from_ymd_opt(1990, 1, 15).unwrap()),
    );
    values.insert(
        "noi_cu_tru".to_owned(),
        FieldValue::Address(Address::Unit {
            commune: "29869".parse().unwrap(),
            detail: "số 12 đường Lý Thường Kiệt".into(),
        }),
    );
    values.insert(
        "dia_chi_cu".to_owned(),
        FieldValue::Address(Address::Legacy("Phường 1, TP Cao Lãnh, Đồng Tháp".into())),
    );
    FormValues(values)
}

/// The second dossier of the test vectors: one filed with a form and with
/// attachments that name the field they answer (and one that names none),
/// with fixed ids and instants, then accepted.
pub async fn fixed_form_timeline(store: Arc<dyn Store>) -> crate::model::DossierRecord {
    let f = Fixture::load_or_new(store.clone()).await;
    let at = vn(2025, 9, 9, 9, 0) + TimeDelta::nanoseconds(123_456_789);
    let mut new = f.new_dossier(at, 5);
    new.id = DossierId::from_uuid(Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0003));
    new.actor = Some(crate::ids::UserId::from_uuid(Uuid::from_u128(
        0x0192_0000_0000_7000_8000_0000_0000_0002,
    )));
    new.form = sample_form();
    new.attachments = vec![
        NewAttachment {
            file_name: "tờ khai.pdf".into(),
            media_type: "application/pdf".into(),
            size: 48_213,
            sha256: Hash::of(b"to khai"),
            blob_key: Hash::of(b"to khai").to_hex(),
            field: Some("to_khai".into()),
        },
        NewAttachment {
            file_name: "ghi-chu.txt".into(),
            media_type: "text/plain".into(),
            size: 12,
            sha256: Hash::of(b"ghi chu"),
            blob_key: Hash::of(b"ghi chu").to_hex(),
            field: None,
        },
    ];
    let record = store.create_dossier(new).await.unwrap();
    f.act(
        &record,
        Action::Accept,
        Role::ReceptionOfficer,
        at + TimeDelta::minutes(10),
    )
    .await
}

pub async fn both_engines_hash_alike(db: &dyn TestDatabase) {
    let store = db.open().await;
    let with_form = fixed_form_timeline(store.clone()).await;
    let events = store.events(with_form.id).await.unwrap();
    let vectors: serde_json::Value = serde_json::from_str(HASH_VECTORS).unwrap();
    assert_eq!(
        vector_events(&events),
        vectors["form_events"],
        "the events of the dossier with a form differ from the test vectors"
    );
    let record = fixed_timeline(store.clone()).await;
    let events = store.events(record.id).await.unwrap();
    assert_eq!(events.len(), 4);
    assert!(
        events
            .iter()
            .all(|e| e.at.timestamp_subsec_nanos() % 1000 == 0)
    );
    assert_eq!(
        vector_events(&events),
        vectors["events"],
        "the events differ from the test vectors"
    );
    assert_eq!(
        Some(record.head_hash.to_hex().as_str()),
        vectors["events"][3]["hash"].as_str()
    );
}

pub async fn concurrent_creations_get_unique_gap_free_codes(db: &dyn TestDatabase) {
    const NODES: usize = 4;
    const PER_NODE: usize = 15;
    let first = db.open().await;
    let f = Arc::new(Fixture::new(first.clone()).await);
    let mut nodes = vec![first];
    for _ in 1..NODES {
        nodes.push(db.open().await);
    }
    let at = vn(2025, 9, 8, 9, 0);
    let mut tasks = Vec::new();
    for (n, store) in nodes.iter().enumerate() {
        for i in 0..PER_NODE {
            let store = store.clone();
            let new = f.new_dossier(at + TimeDelta::seconds((n * PER_NODE + i) as i64), 5);
            tasks.push(tokio::spawn(async move { store.create_dossier(new).await }));
        }
    }
    let mut sequences = Vec::new();
    for task in tasks {
        let record = task.await.unwrap().unwrap();
        sequences.push(record.code.parts().unwrap().sequence);
    }
    sequences.sort_unstable();
    let expected: Vec<u32> = (1..=(NODES * PER_NODE) as u32).collect();
    assert_eq!(sequences, expected, "unique and without gaps");
    let report = verify::verify(nodes[0].clone(), |_| {}).await.unwrap();
    assert_eq!(report.dossiers, (NODES * PER_NODE) as u64);
    assert!(report.is_ok(), "{:?}", report.broken);
}

pub async fn jobs_are_claimed_once_and_retried_then_dead_lettered(db: &dyn TestDatabase) {
    let store = db.open().await;
    let now = vn(2025, 9, 8, 9, 0);
    let id = store
        .enqueue(NewJob::new("sms.send", json!({"to": "0912345678"}), now).max_attempts(3))
        .await
        .unwrap()
        .unwrap();
    // Not yet due.
    assert!(
        store
            .claim_jobs("w1", now - TimeDelta::seconds(1), TimeDelta::minutes(1), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let claimed = store
        .claim_jobs("w1", now, TimeDelta::minutes(1), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].attempts, 1);
    assert_eq!(claimed[0].state, JobState::Running);
    // Leased: nobody else gets it.
    assert!(
        store
            .claim_jobs("w2", now, TimeDelta::minutes(1), 10)
            .await
            .unwrap()
            .is_empty()
    );
    // Attempt 1 fails: retried after the backoff.
    let outcome = store.fail_job(id, "w1", "SMTP 451", now).await.unwrap();
    assert_eq!(
        outcome,
        FailOutcome::Retry {
            at: now + crate::model::backoff(1)
        }
    );
    assert!(
        store
            .claim_jobs(
                "w2",
                now + TimeDelta::seconds(29),
                TimeDelta::minutes(1),
                10
            )
            .await
            .unwrap()
            .is_empty()
    );
    let t2 = now + TimeDelta::seconds(30);
    assert_eq!(
        store
            .claim_jobs("w2", t2, TimeDelta::minutes(1), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    // A worker that lost its lease cannot complete or fail it.
    assert!(!store.complete_job(id, "w1", t2).await.unwrap());
    assert_eq!(
        store.fail_job(id, "w1", "late", t2).await.unwrap(),
        FailOutcome::LeaseLost
    );
    assert!(matches!(
        store.fail_job(id, "w2", "again", t2).await.unwrap(),
        FailOutcome::Retry { .. }
    ));
    let t3 = t2 + TimeDelta::minutes(5);
    assert_eq!(
        store
            .claim_jobs("w3", t3, TimeDelta::minutes(1), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store.fail_job(id, "w3", "gave up", t3).await.unwrap(),
        FailOutcome::Dead
    );
    let dead = store.dead_jobs(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].last_error.as_deref(), Some("gave up"));
    assert_eq!(dead[0].attempts, 3);
    assert!(
        store
            .claim_jobs("w3", t3 + TimeDelta::days(1), TimeDelta::minutes(1), 10)
            .await
            .unwrap()
            .is_empty()
    );
    // An administrator sends it again; this time it works.
    assert!(store.retry_dead_job(id, t3).await.unwrap());
    let again = store
        .claim_jobs("w4", t3, TimeDelta::minutes(1), 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert!(store.complete_job(id, "w4", t3).await.unwrap());
    let done = store.job(id).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.finished_at, Some(t3));
    // An expired lease is taken over.
    let other = store
        .enqueue(NewJob::new("x", json!({}), now))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .claim_jobs("a", t3, TimeDelta::minutes(1), 10)
            .await
            .unwrap()[0]
            .id,
        other
    );
    let taken = store
        .claim_jobs("b", t3 + TimeDelta::minutes(2), TimeDelta::minutes(1), 10)
        .await
        .unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].lease_owner.as_deref(), Some("b"));
    assert_eq!(taken[0].attempts, 2);
}

pub async fn two_workers_never_hold_the_same_lease(db: &dyn TestDatabase) {
    let a = db.open().await;
    let b = db.open().await;
    let now = vn(2025, 9, 8, 9, 0);
    for i in 0..60 {
        a.enqueue(NewJob::new("email.send", json!({"n": i}), now))
            .await
            .unwrap();
    }
    let claim = |store: Arc<dyn Store>, name: &'static str| {
        tokio::spawn(async move {
            let mut got = Vec::new();
            loop {
                let jobs = store
                    .claim_jobs(name, now, TimeDelta::minutes(5), 7)
                    .await
                    .unwrap();
                if jobs.is_empty() {
                    break;
                }
                for job in jobs {
                    assert!(store.complete_job(job.id, name, now).await.unwrap());
                    got.push(job.id);
                }
            }
            got
        })
    };
    let (ga, gb) = tokio::join!(claim(a, "worker-a"), claim(b, "worker-b"));
    let (ga, gb) = (ga.unwrap(), gb.unwrap());
    let all: BTreeSet<_> = ga.iter().chain(gb.iter()).copied().collect();
    assert_eq!(all.len(), 60, "every job once");
    assert_eq!(ga.len() + gb.len(), 60, "no job twice");
}

pub async fn recurring_work_runs_once_per_period(db: &dyn TestDatabase) {
    let a = db.open().await;
    let b = db.open().await;
    let day = vn(2025, 9, 8, 0, 0);
    // Both nodes schedule the daily digest for the same day, several times,
    // at the same moment.
    let mut tasks = Vec::new();
    for store in [&a, &b, &a, &b, &a, &b] {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let job = NewJob::new("digest.daily", json!({"day": "2025-09-08"}), day)
                .idempotency_key("digest.daily:2025-09-08");
            store.enqueue(job).await.unwrap().is_some()
        }));
    }
    let mut created = 0;
    for t in tasks {
        if t.await.unwrap() {
            created += 1;
        }
    }
    assert_eq!(created, 1);
    let run_a = a
        .claim_jobs("a", day, TimeDelta::minutes(5), 10)
        .await
        .unwrap();
    let run_b = b
        .claim_jobs("b", day, TimeDelta::minutes(5), 10)
        .await
        .unwrap();
    assert_eq!(run_a.len() + run_b.len(), 1);
    // The next period is a new job.
    let next = NewJob::new("digest.daily", json!({}), day + TimeDelta::days(1))
        .idempotency_key("digest.daily:2025-09-09");
    assert!(b.enqueue(next).await.unwrap().is_some());
}

pub async fn holidays_are_seeded_once_and_replaced_by_year(db: &dyn TestDatabase) {
    let store = db.open().await;
    let bundled = calendar::schedule::bundled().unwrap();
    assert_eq!(store.seed_holidays(&bundled).await.unwrap(), bundled.len());
    assert_eq!(
        store.seed_holidays(&bundled).await.unwrap(),
        0,
        "seeded once"
    );
    let mut read = store.holiday_breaks().await.unwrap();
    let key = |b: &OfficialBreak| (b.holiday_year, b.from);
    read.sort_by_key(key);
    let mut expected = bundled.clone();
    expected.sort_by_key(key);
    assert_eq!(read, expected);
    // An administrator records National Day 2026.
    let sep = OfficialBreak {
        holiday_year: 2026,
        covers: vec![motcua_domain::calendar::Holiday::NationalDay],
        from: NaiveDate::from_ymd_opt(2026, 8, 29).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 9, 2).unwrap(),
        worked_saturdays: vec![],
        status: Verification::Unverified,
        sources: vec!["test".into()],
        letter: None,
        note: Some("ví dụ".into()),
    };
    let mut year: Vec<OfficialBreak> = bundled
        .iter()
        .filter(|b| b.holiday_year == 2026)
        .cloned()
        .collect();
    year.push(sep.clone());
    store.replace_holiday_year(2026, &year).await.unwrap();
    let read = store.holiday_breaks().await.unwrap();
    assert!(read.contains(&sep));
    assert_eq!(read.len(), bundled.len() + 1);
    // A break that is not valid is refused and changes nothing.
    let mut bad = sep.clone();
    bad.worked_saturdays = vec![NaiveDate::from_ymd_opt(2026, 9, 7).unwrap()];
    assert!(matches!(
        store.replace_holiday_year(2026, &[bad]).await,
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(
        store.holiday_breaks().await.unwrap().len(),
        bundled.len() + 1
    );
}

pub async fn the_audit_log_is_chained(db: &dyn TestDatabase) {
    let a = db.open().await;
    let b = db.open().await;
    let at = vn(2025, 9, 8, 9, 0);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            store
                .audit(NewAuditEntry {
                    at,
                    actor: None,
                    action: "user.login".into(),
                    subject: format!("user-{i}"),
                    details: json!({"ip": "127.0.0.1"}),
                })
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let entries = a.audit_entries(None, 100).await.unwrap();
    assert_eq!(entries.len(), 20);
    assert_eq!(entries[0].prev_hash, Hash::GENESIS);
    for pair in entries.windows(2) {
        assert_eq!(pair[1].seq, pair[0].seq + 1);
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    assert_eq!(a.audit_entries(Some(18), 100).await.unwrap().len(), 2);
    let report = verify::verify(a.clone(), |_| {}).await.unwrap();
    assert_eq!(report.audit_entries, 20);
    assert!(report.is_ok());
}

pub async fn verify_names_every_tampered_dossier(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let start = vn(2025, 9, 8, 9, 0);
    let mut ids = Vec::new();
    for i in 0..8 {
        let r = f.create(start + TimeDelta::minutes(i)).await;
        let r = f.walk_to_return(r, start + TimeDelta::minutes(i)).await;
        ids.push(r);
    }
    let clean = f.walk_to_return(f.create(start).await, start).await;
    assert!(verify::verify(store.clone(), |_| {}).await.unwrap().is_ok());

    let events = store.events(ids[3].id).await.unwrap();
    db.tamper(Tamper::EventReason {
        dossier: ids[0].id,
        seq: 2,
        reason: "sửa lén".into(),
    })
    .await;
    db.tamper(Tamper::DeleteEvent {
        dossier: ids[1].id,
        seq: 3,
    })
    .await;
    db.tamper(Tamper::DeleteEvent {
        dossier: ids[2].id,
        seq: 6,
    })
    .await;
    // Insert a copy of event 2 as a new event 3, moving the rest up.
    for seq in (3..=6).rev() {
        db.tamper(Tamper::RenumberEvent {
            dossier: ids[3].id,
            from: seq,
            to: seq + 1,
        })
        .await;
    }
    let mut copy = events[1].clone();
    copy.seq = 3;
    db.tamper(Tamper::InsertEvent {
        record: Box::new(copy),
    })
    .await;
    // Swap events 3 and 4.
    db.tamper(Tamper::RenumberEvent {
        dossier: ids[4].id,
        from: 3,
        to: 100,
    })
    .await;
    db.tamper(Tamper::RenumberEvent {
        dossier: ids[4].id,
        from: 4,
        to: 3,
    })
    .await;
    db.tamper(Tamper::RenumberEvent {
        dossier: ids[4].id,
        from: 100,
        to: 4,
    })
    .await;
    db.tamper(Tamper::Stage {
        dossier: ids[5].id,
        stage: Stage::Withdrawn,
    })
    .await;
    db.tamper(Tamper::Due {
        dossier: ids[6].id,
        due: start + TimeDelta::days(60),
    })
    .await;
    let mut state = ids[7].state.clone();
    state.clock.due = Some(start + TimeDelta::days(60));
    db.tamper(Tamper::State {
        dossier: ids[7].id,
        state: Box::new(state),
    })
    .await;

    let report = verify::verify(store.clone(), |_| {}).await.unwrap();
    let broken: BTreeSet<DossierId> = report.broken.iter().map(|b| b.id).collect();
    let expected: BTreeSet<DossierId> = ids.iter().map(|r| r.id).collect();
    assert_eq!(broken, expected, "{:#?}", report.broken);
    assert!(!broken.contains(&clean.id));
    let defects = |i: usize| {
        report
            .broken
            .iter()
            .find(|b| b.id == ids[i].id)
            .unwrap()
            .defects
            .clone()
    };
    assert!(defects(0).contains(&Defect::BadHash { seq: 2 }));
    assert!(
        defects(2).contains(&Defect::Head),
        "deleting the last event is caught"
    );
    assert!(defects(5).contains(&Defect::Columns));
    assert!(defects(6).contains(&Defect::Columns));
    assert!(defects(7).contains(&Defect::State));
    assert!(report.broken.iter().all(|b| b.code.contains("-250908-")));
}

pub async fn text_with_a_nul_is_refused_alike(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let mut agency = f.department.clone();
    agency.name = "Sở\0Tư pháp".into();
    assert!(matches!(
        store.update_agency(&agency).await,
        Err(StoreError::Invalid { .. })
    ));
    let start = vn(2025, 9, 8, 9, 0);
    let mut new = f.new_dossier(start, 5);
    new.applicant.name = "Nguyễn\0Văn A".into();
    assert!(matches!(
        store.create_dossier(new).await,
        Err(StoreError::Invalid { .. })
    ));
    let record = f.create(start).await;
    let refuse = record
        .state
        .decide(
            Action::RefuseAtReception {
                reason: "thiếu\0giấy".into(),
            },
            Role::ReceptionOfficer,
            start,
            cw(),
        )
        .unwrap();
    let err = store
        .append_event(
            record.id,
            1,
            NewEvent {
                actor: None,
                event: refuse,
                attachments: vec![],
                jobs: vec![],
            },
        )
        .await;
    assert!(matches!(err, Err(StoreError::Invalid { .. })), "{err:?}");
    // Nothing was written by the refused calls.
    assert_eq!(store.dossier(record.id).await.unwrap().unwrap(), record);
    assert_eq!(
        store.agency(f.department.id).await.unwrap().unwrap(),
        f.department
    );
}

pub async fn verify_names_what_it_cannot_read_and_what_changed_hands(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let start = vn(2025, 9, 8, 9, 0);
    let mut records = Vec::new();
    for i in 0..4 {
        let mut new = f.new_dossier(start + TimeDelta::minutes(i), 5);
        new.attachments.push(NewAttachment {
            file_name: format!("to-khai-{i}.pdf"),
            media_type: "application/pdf".into(),
            size: 10,
            sha256: Hash::of(format!("{i}").as_bytes()),
            blob_key: Hash::of(format!("{i}").as_bytes()).to_hex(),
            field: None,
        });
        records.push(store.create_dossier(new).await.unwrap());
    }
    for i in 0..3 {
        store
            .audit(NewAuditEntry {
                at: start,
                actor: None,
                action: "agency.update".into(),
                subject: format!("{i}"),
                details: json!({"i": i}),
            })
            .await
            .unwrap();
    }
    assert!(verify::verify(store.clone(), |_| {}).await.unwrap().is_ok());
    db.tamper(Tamper::StateText {
        dossier: records[0].id,
        text: r#"{"not": "a state"}"#.into(),
    })
    .await;
    db.tamper(Tamper::DecidingAgency {
        dossier: records[1].id,
        agency: f.commune.id,
    })
    .await;
    db.tamper(Tamper::AttachmentBlob {
        dossier: records[2].id,
        sha256: Hash::of(b"other bytes"),
    })
    .await;
    db.tamper(Tamper::AuditDetails {
        seq: 2,
        details: json!({"i": 99}),
    })
    .await;
    let report = verify::verify(store.clone(), |_| {}).await.unwrap();
    let defects = |i: usize| {
        report
            .broken
            .iter()
            .find(|b| b.id == records[i].id)
            .map(|b| b.defects.clone())
            .unwrap_or_default()
    };
    assert!(
        matches!(defects(0).as_slice(), [Defect::Unreadable(_)]),
        "{:?}",
        defects(0)
    );
    assert!(defects(1).contains(&Defect::Header), "{:?}", defects(1));
    assert!(
        defects(2).contains(&Defect::Attachments { seq: 1 }),
        "{:?}",
        defects(2)
    );
    assert!(defects(3).is_empty());
    assert_eq!(
        report.broken.len(),
        3,
        "the walk went on past the unreadable one"
    );
    assert_eq!(report.broken_audit, vec![2]);
}

pub async fn a_job_that_kills_its_worker_is_dead_lettered(db: &dyn TestDatabase) {
    let store = db.open().await;
    let now = vn(2025, 9, 8, 9, 0);
    let id = store
        .enqueue(NewJob::new("pdf.render", json!({}), now).max_attempts(2))
        .await
        .unwrap()
        .unwrap();
    let lease = TimeDelta::minutes(1);
    // Two workers take it and die without a word (their leases run out).
    assert_eq!(
        store.claim_jobs("w1", now, lease, 1).await.unwrap().len(),
        1
    );
    assert_eq!(
        store
            .claim_jobs("w2", now + TimeDelta::minutes(2), lease, 1)
            .await
            .unwrap()
            .len(),
        1
    );
    // The last attempt's lease runs out too: not leased a third time.
    assert!(
        store
            .claim_jobs("w3", now + TimeDelta::minutes(4), lease, 1)
            .await
            .unwrap()
            .is_empty()
    );
    let job = store.job(id).await.unwrap().unwrap();
    assert_eq!(job.state, JobState::Dead);
    assert_eq!(job.attempts, 2);
    assert!(job.last_error.is_some());
    assert_eq!(store.dead_jobs(10).await.unwrap().len(), 1);
}

pub async fn a_permanent_failure_is_dead_lettered_at_once(db: &dyn TestDatabase) {
    let store = db.open().await;
    let now = vn(2025, 9, 8, 9, 0);
    let lease = TimeDelta::minutes(1);
    let id = store
        .enqueue(NewJob::new("email.send", json!({"to": "x@refused.invalid"}), now).max_attempts(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.claim_jobs("w1", now, lease, 10).await.unwrap().len(),
        1
    );
    let claimed = store.job(id).await.unwrap().unwrap();
    // Only the worker holding the lease may dead-letter it.
    assert_eq!(
        store
            .dead_letter_job(id, "w2", "permanent: not mine", now)
            .await
            .unwrap(),
        FailOutcome::LeaseLost
    );
    assert_eq!(
        store.job(id).await.unwrap().unwrap(),
        claimed,
        "nothing changed"
    );
    // Four attempts left, and yet: dead at once, the failed attempt counted.
    let t = now + TimeDelta::seconds(5);
    assert_eq!(
        store
            .dead_letter_job(id, "w1", "permanent: 550 no such user", t)
            .await
            .unwrap(),
        FailOutcome::Dead
    );
    let job = store.job(id).await.unwrap().unwrap();
    assert_eq!(job.state, JobState::Dead);
    assert_eq!(job.attempts, 1);
    assert_eq!(job.lease_owner, None);
    assert_eq!(job.lease_until, None);
    assert_eq!(
        job.last_error.as_deref(),
        Some("permanent: 550 no such user")
    );
    let dead = store.dead_jobs(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, id);
    assert_eq!(
        dead[0].last_error.as_deref(),
        Some("permanent: 550 no such user")
    );
    assert!(
        store
            .claim_jobs("w2", t + TimeDelta::days(1), lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "a dead job is not claimed"
    );
    // Dead already: the same worker no longer holds it.
    assert_eq!(
        store.dead_letter_job(id, "w1", "again", t).await.unwrap(),
        FailOutcome::LeaseLost
    );
    assert_eq!(store.job(id).await.unwrap().unwrap(), job);
    // An administrator sends it again (the address was mended): fresh
    // attempts, and it runs.
    assert!(store.retry_dead_job(id, t).await.unwrap());
    let again = store.claim_jobs("w3", t, lease, 10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, id);
    assert_eq!(again[0].attempts, 1);
    assert!(store.complete_job(id, "w3", t).await.unwrap());
    assert_eq!(store.job(id).await.unwrap().unwrap().state, JobState::Done);
    assert!(store.dead_jobs(10).await.unwrap().is_empty());

    // A worker whose lease ran out and was taken over changes nothing.
    let other = store
        .enqueue(NewJob::new("sms.send", json!({}), t))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.claim_jobs("a", t, lease, 10).await.unwrap().len(), 1);
    let later = t + TimeDelta::minutes(2);
    assert_eq!(
        store.claim_jobs("b", later, lease, 10).await.unwrap().len(),
        1
    );
    let taken = store.job(other).await.unwrap().unwrap();
    assert_eq!(
        store
            .dead_letter_job(other, "a", "permanent: late", later)
            .await
            .unwrap(),
        FailOutcome::LeaseLost
    );
    assert_eq!(store.job(other).await.unwrap().unwrap(), taken);
    assert_eq!(taken.lease_owner.as_deref(), Some("b"));
    assert!(store.dead_jobs(10).await.unwrap().is_empty());
}

pub async fn a_claimed_job_is_released_without_its_attempt(db: &dyn TestDatabase) {
    let store = db.open().await;
    let now = vn(2025, 9, 8, 9, 0);
    let lease = TimeDelta::minutes(10);
    let id = store
        .enqueue(NewJob::new("email.send", json!({"n": 1}), now).max_attempts(3))
        .await
        .unwrap()
        .unwrap();
    // A first attempt fails, so the job has a history to keep.
    assert_eq!(
        store.claim_jobs("w1", now, lease, 10).await.unwrap().len(),
        1
    );
    let FailOutcome::Retry { at: due } = store.fail_job(id, "w1", "SMTP 451", now).await.unwrap()
    else {
        panic!("a first failure is retried");
    };
    let before = store.job(id).await.unwrap().unwrap();
    assert_eq!(before.attempts, 1);
    let claimed = store.claim_jobs("w1", due, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].attempts, 2);

    // Someone else cannot hand it back.
    let t = due + TimeDelta::seconds(10);
    assert!(!store.release_job(id, "w2", t).await.unwrap());
    assert_eq!(store.job(id).await.unwrap().unwrap(), claimed[0]);

    // Its holder can: pending, due, lease gone, the claim's attempt undone,
    // its last error kept.
    assert!(store.release_job(id, "w1", t).await.unwrap());
    let released = store.job(id).await.unwrap().unwrap();
    assert_eq!(released.state, JobState::Pending);
    assert_eq!(released.attempts, before.attempts);
    assert_eq!(released.lease_owner, None);
    assert_eq!(released.lease_until, None);
    assert_eq!(released.run_at, due, "its place in the queue is kept");
    assert_eq!(released.last_error.as_deref(), Some("SMTP 451"));
    assert_eq!(released, before, "as it was before the claim");
    // Released already: a second release is not the holder's any more.
    assert!(!store.release_job(id, "w1", t).await.unwrap());
    // Claimed again at once, by anyone.
    let again = store.claim_jobs("w2", t, lease, 10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, id);
    assert_eq!(again[0].attempts, 2);
    assert_eq!(again[0].lease_owner.as_deref(), Some("w2"));
    // The old holder cannot release the new holder's claim.
    assert!(!store.release_job(id, "w1", t).await.unwrap());
    assert_eq!(store.job(id).await.unwrap().unwrap(), again[0]);
    assert!(store.complete_job(id, "w2", t).await.unwrap());
    // Nor a done job, nor one that does not exist.
    assert!(!store.release_job(id, "w2", t).await.unwrap());
    assert!(!store.release_job(JobId::new(), "w2", t).await.unwrap());

    // A job released on its last attempt is not dead-lettered: the attempt
    // never ran. Released by a node whose clock is behind, it is due by
    // that clock.
    let last = store
        .enqueue(NewJob::new("sms.send", json!({}), t).max_attempts(1))
        .await
        .unwrap()
        .unwrap();
    let taken = store.claim_jobs("w1", t, lease, 10).await.unwrap();
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].attempts, 1);
    let behind = t - TimeDelta::seconds(5);
    assert!(store.release_job(last, "w1", behind).await.unwrap());
    let job = store.job(last).await.unwrap().unwrap();
    assert_eq!(job.state, JobState::Pending);
    assert_eq!(job.attempts, 0);
    assert_eq!(job.run_at, behind);
    let retaken = store.claim_jobs("w2", behind, lease, 10).await.unwrap();
    assert_eq!(retaken.len(), 1);
    assert_eq!(retaken[0].id, last);
    assert_eq!(retaken[0].attempts, 1);
    assert!(store.dead_jobs(10).await.unwrap().is_empty());
}

pub async fn upstream_codes_in_our_form_move_our_counter(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let at = vn(2025, 9, 8, 9, 0);
    assert_eq!(
        f.create(at).await.code.as_str(),
        "000.00.01.H29-250908-0001"
    );
    // The national portal sends a dossier coded in our agency's own form.
    let mut new = f.new_dossier(at, 5);
    new.code = CodeSource::Upstream(DossierCode::upstream("000.00.01.H29-250908-0005").unwrap());
    store.create_dossier(new).await.unwrap();
    // Our next code does not collide with it, now or later that day.
    assert_eq!(
        f.create(at).await.code.as_str(),
        "000.00.01.H29-250908-0006"
    );
    // An upstream code below our counter that is free keeps the counter.
    let mut new = f.new_dossier(at, 5);
    new.code = CodeSource::Upstream(DossierCode::upstream("000.00.01.H29-250908-0003").unwrap());
    store.create_dossier(new).await.unwrap();
    assert_eq!(
        f.create(at).await.code.as_str(),
        "000.00.01.H29-250908-0007"
    );
}

pub async fn an_ambiguous_login_names_no_one(db: &dyn TestDatabase) {
    let store = db.open().await;
    let user = |name: &str, phone: Option<&str>, identity: Option<&str>| NewUser {
        kind: UserKind::Citizen,
        full_name: name.into(),
        email: None,
        phone: phone.map(str::to_owned),
        identity_number: identity.map(str::to_owned),
        password_hash: None,
        representative: None,
        language: "vi".into(),
    };
    store
        .create_user(user("A", Some("0312345678"), None))
        .await
        .unwrap();
    store
        .create_user(user("B", None, Some("0312345678")))
        .await
        .unwrap();
    assert!(matches!(
        store.user_by_login("0312345678").await,
        Err(StoreError::Conflict { .. })
    ));
}

/// A citizen's account to create.
fn citizen(name: &str, email: &str) -> NewUser {
    NewUser {
        kind: UserKind::Citizen,
        full_name: name.into(),
        email: Some(email.into()),
        phone: None,
        identity_number: None,
        password_hash: None,
        representative: None,
        language: String::new(),
    }
}

pub async fn accounts_keep_their_language_representative_and_verified_email(db: &dyn TestDatabase) {
    let store = db.open().await;
    // A business: its name, its tax code, its legal representative.
    let business = store
        .create_user(NewUser {
            kind: UserKind::Business,
            full_name: "Công ty TNHH Sen Hồng".into(),
            email: Some("lienhe@senhong.vn".into()),
            phone: None,
            identity_number: Some("1400123456".into()),
            password_hash: None,
            // Decomposed, with spaces around: stored in NFC, trimmed.
            representative: Some("  Lê Va\u{306}n Đa\u{323}i ".into()),
            language: " EN".into(),
        })
        .await
        .unwrap();
    assert_eq!(business.representative.as_deref(), Some("Lê Văn Đại"));
    assert_eq!(business.language, "en");
    assert_eq!(business.email_verified_at, None);
    assert_eq!(
        store.user(business.id).await.unwrap().as_ref(),
        Some(&business)
    );
    // A citizen who chose nothing gets the default; a blank representative
    // is none.
    let mut new = citizen("Trần Thị Hoa", "hoa@example.vn");
    new.representative = Some("   ".into());
    let person = store.create_user(new).await.unwrap();
    assert_eq!(person.language, User::DEFAULT_LANGUAGE);
    assert_eq!(person.representative, None);
    assert_eq!(store.user(person.id).await.unwrap().unwrap(), person);
    // A language motcua does not speak is refused, and nothing is created.
    let mut new = citizen("Jean Dupont", "jean@example.fr");
    new.language = "fr".into();
    assert!(matches!(
        store.create_user(new).await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(
        store
            .user_by_login("jean@example.fr")
            .await
            .unwrap()
            .is_none()
    );
    // The e-mail is verified, to the microsecond.
    let at = vn(2025, 9, 8, 9, 0) + TimeDelta::nanoseconds(1_234_567);
    store.set_email_verified(person.id, at).await.unwrap();
    let read = store.user(person.id).await.unwrap().unwrap();
    assert_eq!(read.email_verified_at, Some(crate::hash::micros(at)));
    assert_eq!(
        read,
        User {
            email_verified_at: Some(crate::hash::micros(at)),
            ..person.clone()
        }
    );
    assert_eq!(
        store.user_by_login("hoa@example.vn").await.unwrap(),
        Some(read)
    );
    assert!(matches!(
        store.set_email_verified(UserId::new(), at).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn one_time_tokens_are_used_once(db: &dyn TestDatabase) {
    let store = db.open().await;
    let user = store
        .create_user(citizen("Trần Thị Hoa", "hoa@example.vn"))
        .await
        .unwrap();
    let now = vn(2025, 9, 8, 9, 0);
    let token = |secret: &str, purpose, hours| NewUserToken {
        user: user.id,
        purpose,
        token_hash: TokenHash::of(secret),
        now,
        expires_at: now + TimeDelta::hours(hours),
    };
    store
        .create_user_token(token("verify", TokenPurpose::VerifyEmail, 24))
        .await
        .unwrap();
    // The same hash twice is a conflict.
    assert!(matches!(
        store
            .create_user_token(token("verify", TokenPurpose::ResetPassword, 1))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let verify = TokenHash::of("verify");
    // The wrong purpose finds nothing and uses nothing.
    assert_eq!(
        store
            .consume_user_token(TokenPurpose::ResetPassword, &verify, now)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .consume_user_token(TokenPurpose::VerifyEmail, &verify, now)
            .await
            .unwrap(),
        Some(user.id)
    );
    // Used once.
    assert_eq!(
        store
            .consume_user_token(TokenPurpose::VerifyEmail, &verify, now)
            .await
            .unwrap(),
        None
    );
    // A token expires at its expiry instant.
    store
        .create_user_token(token("reset", TokenPurpose::ResetPassword, 1))
        .await
        .unwrap();
    let reset = TokenHash::of("reset");
    assert_eq!(
        store
            .consume_user_token(
                TokenPurpose::ResetPassword,
                &reset,
                now + TimeDelta::hours(1)
            )
            .await
            .unwrap(),
        None
    );
    store
        .create_user_token(token("reset-2", TokenPurpose::ResetPassword, 1))
        .await
        .unwrap();
    assert_eq!(
        store
            .consume_user_token(
                TokenPurpose::ResetPassword,
                &TokenHash::of("reset-2"),
                now + TimeDelta::minutes(59),
            )
            .await
            .unwrap(),
        Some(user.id)
    );
    // A token never recorded.
    assert_eq!(
        store
            .consume_user_token(TokenPurpose::VerifyEmail, &TokenHash::of("guess"), now)
            .await
            .unwrap(),
        None
    );
}

pub async fn concurrent_uses_of_a_token_give_it_to_one(db: &dyn TestDatabase) {
    let a = db.open().await;
    let b = db.open().await;
    let user = a
        .create_user(citizen("Trần Thị Hoa", "hoa@example.vn"))
        .await
        .unwrap();
    let now = vn(2025, 9, 8, 9, 0);
    for round in 0..5 {
        let secret = format!("reset-{round}");
        a.create_user_token(NewUserToken {
            user: user.id,
            purpose: TokenPurpose::ResetPassword,
            token_hash: TokenHash::of(&secret),
            now,
            expires_at: now + TimeDelta::hours(1),
        })
        .await
        .unwrap();
        // Two app nodes, each with several requests following the same link.
        let mut tasks = Vec::new();
        for i in 0..8 {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            let hash = TokenHash::of(&secret);
            tasks.push(tokio::spawn(async move {
                store
                    .consume_user_token(TokenPurpose::ResetPassword, &hash, now)
                    .await
                    .unwrap()
            }));
        }
        let mut winners = Vec::new();
        for t in tasks {
            if let Some(u) = t.await.unwrap() {
                winners.push(u);
            }
        }
        assert_eq!(winners, vec![user.id], "round {round}");
    }
}

fn draft_file(field: &str, name: &str) -> DraftFile {
    DraftFile {
        field: field.into(),
        file_name: name.into(),
        media_type: "application/pdf".into(),
        size: 2_048,
        sha256: Hash::of(name.as_bytes()),
        blob_key: Hash::of(name.as_bytes()).to_hex(),
    }
}

fn draft(user: UserId, at: chrono::DateTime<chrono::Utc>) -> Draft {
    Draft {
        id: DossierId::new(),
        user,
        procedure_code: "1.001193".into(),
        inputs: BTreeMap::from([
            ("full_name".to_owned(), "Trần Thị Hoa".to_owned()),
            ("home.commune".to_owned(), "29869".to_owned()),
        ]),
        files: vec![],
        delivery: None,
        pin: "042917".into(),
        created_at: at,
        updated_at: at,
    }
}

pub async fn drafts_are_saved_replaced_listed_and_deleted(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let hoa = store
        .create_user(citizen("Trần Thị Hoa", "hoa@example.vn"))
        .await
        .unwrap();
    let binh = store
        .create_user(citizen("Lê Văn Bình", "binh@example.vn"))
        .await
        .unwrap();
    let t0 = vn(2025, 9, 8, 9, 0) + TimeDelta::nanoseconds(999);
    let mut first = draft(hoa.id, t0);
    // Inputs as typed, a wrong date included; decomposed text comes back
    // in NFC.
    first
        .inputs
        .insert("birth_date".into(), "31/02/1990 ".into());
    first
        .inputs
        .insert("note".into(), "Nguye\u{302}\u{303}n".into());
    first.files = vec![draft_file("to_khai", "tờ khai.pdf")];
    first.delivery = Some(Delivery::Post);
    store.save_draft(&first).await.unwrap();
    let read = store.draft(first.id).await.unwrap().unwrap();
    assert_eq!(read.inputs["note"], "Nguyễn");
    assert_eq!(read.inputs["birth_date"], "31/02/1990 ", "kept as typed");
    assert_eq!(read.created_at, crate::hash::micros(t0));
    assert_eq!(
        read,
        Draft {
            inputs: BTreeMap::from([
                ("full_name".to_owned(), "Trần Thị Hoa".to_owned()),
                ("home.commune".to_owned(), "29869".to_owned()),
                ("birth_date".to_owned(), "31/02/1990 ".to_owned()),
                ("note".to_owned(), "Nguyễn".to_owned()),
            ]),
            created_at: crate::hash::micros(t0),
            updated_at: crate::hash::micros(t0),
            ..first.clone()
        }
    );
    let second = draft(hoa.id, t0 + TimeDelta::minutes(1));
    store.save_draft(&second).await.unwrap();
    let ids = |drafts: Vec<Draft>| drafts.into_iter().map(|d| d.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.drafts_of_user(hoa.id).await.unwrap()),
        vec![second.id, first.id],
        "most recently updated first"
    );
    // Replaced: the first is now the most recent; it keeps its creation.
    let mut replaced = first.clone();
    replaced.inputs = BTreeMap::from([("full_name".to_owned(), "Trần Thị Hoà".to_owned())]);
    replaced.files.push(draft_file("anh", "ảnh.jpg"));
    replaced.delivery = None;
    replaced.created_at = t0 + TimeDelta::minutes(2);
    replaced.updated_at = t0 + TimeDelta::minutes(2);
    store.save_draft(&replaced).await.unwrap();
    let read = store.draft(first.id).await.unwrap().unwrap();
    assert_eq!(
        read,
        Draft {
            created_at: crate::hash::micros(t0),
            updated_at: crate::hash::micros(t0 + TimeDelta::minutes(2)),
            ..replaced.clone()
        }
    );
    assert_eq!(
        ids(store.drafts_of_user(hoa.id).await.unwrap()),
        vec![first.id, second.id]
    );
    // Another account cannot take a draft's id.
    let mut stolen = replaced.clone();
    stolen.user = binh.id;
    stolen.inputs.clear();
    assert!(matches!(
        store.save_draft(&stolen).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(store.draft(first.id).await.unwrap().unwrap(), read);
    assert!(store.drafts_of_user(binh.id).await.unwrap().is_empty());
    // Nor can a draft take a dossier's id.
    let record = f.create(t0).await;
    let mut late = draft(hoa.id, t0);
    late.id = record.id;
    assert!(matches!(
        store.save_draft(&late).await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(store.draft(record.id).await.unwrap().is_none());
    // A NUL is refused.
    let mut bad = draft(hoa.id, t0);
    bad.inputs.insert("x".into(), "a\0b".into());
    assert!(matches!(
        store.save_draft(&bad).await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(store.draft(bad.id).await.unwrap().is_none());
    // Deleted once.
    assert!(store.delete_draft(second.id).await.unwrap());
    assert!(!store.delete_draft(second.id).await.unwrap());
    assert!(store.draft(second.id).await.unwrap().is_none());
    assert_eq!(
        ids(store.drafts_of_user(hoa.id).await.unwrap()),
        vec![first.id]
    );
}

pub async fn a_submitted_draft_stays_as_it_was(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let hoa = store
        .create_user(citizen("Trần Thị Hoa", "hoa@example.vn"))
        .await
        .unwrap();
    let at = vn(2025, 9, 8, 9, 0);
    let mut submitted = draft(hoa.id, at);
    submitted.files = vec![draft_file("to_khai", "to-khai.pdf")];
    store.save_draft(&submitted).await.unwrap();
    let saved = store.draft(submitted.id).await.unwrap().unwrap();
    // The dossier takes the draft's id and the hash of its PIN.
    let mut new = f.new_dossier(at, 5);
    new.id = submitted.id;
    new.applicant.user = Some(hoa.id);
    new.pin_hash = TokenHash::of(&submitted.pin);
    let record = store.create_dossier(new).await.unwrap();
    // The draft stays (a repeated submission finds it, PIN and all) …
    assert_eq!(
        store.draft(submitted.id).await.unwrap(),
        Some(saved.clone())
    );
    assert_eq!(
        TokenHash::of(&saved.pin),
        store.dossier(record.id).await.unwrap().unwrap().pin_hash
    );
    // … and cannot change any more (a second tab saving it).
    let mut edited = submitted.clone();
    edited
        .inputs
        .insert("full_name".into(), "Người khác".into());
    edited.updated_at = at + TimeDelta::minutes(5);
    assert!(matches!(
        store.save_draft(&edited).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(store.draft(submitted.id).await.unwrap(), Some(saved));
    // The app may still delete it.
    assert!(store.delete_draft(submitted.id).await.unwrap());
    assert_eq!(store.dossier(record.id).await.unwrap().unwrap(), record);
}

/// A draft saved while its dossier is created, from two app nodes at once:
/// the dossier is created, and the save either went through (it came
/// first) or is refused as a conflict — no other error, no deadlock, and
/// the draft is whole (the edited one or the first).
pub async fn a_draft_saved_during_its_submission_is_saved_before_or_refused(db: &dyn TestDatabase) {
    let a = db.open().await;
    let b = db.open().await;
    let f = Arc::new(Fixture::new(a.clone()).await);
    let hoa = a
        .create_user(citizen("Trần Thị Hoa", "hoa@example.vn"))
        .await
        .unwrap();
    let at = vn(2025, 9, 8, 9, 0);
    for round in 0..10 {
        let first = draft(hoa.id, at);
        a.save_draft(&first).await.unwrap();
        let mut edited = first.clone();
        edited
            .inputs
            .insert("note".into(), format!("sửa lần {round}"));
        edited.updated_at = at + TimeDelta::minutes(1);
        let mut new = f.new_dossier(at, 5);
        new.id = first.id;
        new.applicant.user = Some(hoa.id);
        let save = {
            let b = b.clone();
            let edited = edited.clone();
            tokio::spawn(async move { b.save_draft(&edited).await })
        };
        let create = {
            let a = a.clone();
            tokio::spawn(async move { a.create_dossier(new).await })
        };
        let (saved, created) = (save.await.unwrap(), create.await.unwrap());
        let record = created.unwrap();
        let now = a.draft(first.id).await.unwrap().unwrap();
        match saved {
            Ok(()) => assert_eq!(now.inputs, edited.inputs, "round {round}"),
            Err(StoreError::Conflict { .. }) => {
                assert_eq!(now, first_read(&first), "round {round}")
            }
            Err(e) => panic!("round {round}: {e:?}"),
        }
        assert!(a.dossier(record.id).await.unwrap().is_some());
    }
}

/// A draft as the store reads it back (instants to the microsecond).
fn first_read(d: &Draft) -> Draft {
    Draft {
        created_at: crate::hash::micros(d.created_at),
        updated_at: crate::hash::micros(d.updated_at),
        ..d.clone()
    }
}

pub async fn failures_are_counted_since_an_instant_and_cleared(db: &dyn TestDatabase) {
    let a = db.open().await;
    let b = db.open().await;
    let t = vn(2025, 9, 8, 9, 0);
    let key = "login:hoa@example.vn";
    // Failures recorded by two app nodes count together.
    for (i, store) in [&a, &b, &a].into_iter().enumerate() {
        store
            .record_failure(key, t + TimeDelta::minutes(i as i64))
            .await
            .unwrap();
    }
    b.record_failure("pin:000.00.01.H29-250908-0001", t)
        .await
        .unwrap();
    assert_eq!(a.failures_since(key, t).await.unwrap(), 3);
    assert_eq!(
        b.failures_since(key, t + TimeDelta::minutes(1))
            .await
            .unwrap(),
        2,
        "at or after"
    );
    assert_eq!(
        a.failures_since(key, t + TimeDelta::minutes(2) + TimeDelta::microseconds(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        a.failures_since("pin:000.00.01.H29-250908-0001", t)
            .await
            .unwrap(),
        1
    );
    // Keys are compared in NFC.
    a.record_failure("login:Nguye\u{302}\u{303}n", t)
        .await
        .unwrap();
    assert_eq!(a.failures_since("login:Nguyễn", t).await.unwrap(), 1);
    // A successful login clears its key only.
    b.clear_failures(key).await.unwrap();
    assert_eq!(a.failures_since(key, t).await.unwrap(), 0);
    assert_eq!(
        a.failures_since("pin:000.00.01.H29-250908-0001", t)
            .await
            .unwrap(),
        1
    );
    // Old failures are forgotten as new ones come.
    a.record_failure(key, t).await.unwrap();
    a.record_failure(key, t + crate::FAILURES_KEPT + TimeDelta::days(1))
        .await
        .unwrap();
    assert_eq!(
        a.failures_since(key, t - TimeDelta::days(1)).await.unwrap(),
        1
    );
    assert!(matches!(
        a.record_failure(" ", t).await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        a.record_failure("a\0b", t).await,
        Err(StoreError::Invalid { .. })
    ));
}

pub async fn applicants_list_their_dossiers_a_page_at_a_time(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let hoa = store
        .create_user(citizen("Trần Thị Hoa", "hoa@example.vn"))
        .await
        .unwrap();
    let binh = store
        .create_user(citizen("Lê Văn Bình", "binh@example.vn"))
        .await
        .unwrap();
    let at = vn(2025, 9, 8, 9, 0);
    let mut mine = Vec::new();
    for i in 0..5 {
        for (user, list) in [(Some(hoa.id), true), (Some(binh.id), false), (None, false)] {
            if !list && i % 2 == 1 {
                continue;
            }
            let mut new = f.new_dossier(at + TimeDelta::minutes(i), 5);
            new.applicant.user = user;
            let record = store.create_dossier(new).await.unwrap();
            if list {
                mine.push(record);
            }
        }
    }
    mine.reverse();
    let mut page = Page::first(2);
    let mut seen = Vec::new();
    loop {
        let got = store.dossiers_of_applicant(hoa.id, page).await.unwrap();
        assert!(got.len() <= 2);
        let Some(last) = got.last().map(|d| d.id) else {
            break;
        };
        seen.extend(got);
        page.after = Some(last);
    }
    assert_eq!(seen, mine, "newest first, every one once");
    assert_eq!(
        store
            .dossiers_of_applicant(binh.id, Page::first(10))
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(
        store
            .dossiers_of_applicant(UserId::new(), Page::first(10))
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn a_dossier_is_rated_once(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let hoa = store
        .create_user(citizen("Trần Thị Hoa", "hoa@example.vn"))
        .await
        .unwrap();
    let at = vn(2025, 9, 8, 9, 0);
    let returned = f.walk_to_return(f.create(at).await, at).await;
    let other = f.create(at).await;
    let rating = Rating {
        dossier: returned.id,
        user: hoa.id,
        overall: Satisfaction::VerySatisfied,
        convenience: Satisfaction::Satisfied,
        timeliness: Satisfaction::VerySatisfied,
        attitude: Satisfaction::NotYetSatisfied,
        comment: Some(" Cán bộ tiếp nhận chưa nhiê\u{323}t tình ".into()),
        rated_at: at + TimeDelta::days(1) + TimeDelta::nanoseconds(1_001),
    };
    assert!(store.rating(returned.id).await.unwrap().is_none());
    store.rate_dossier(&rating).await.unwrap();
    let read = store.rating(returned.id).await.unwrap().unwrap();
    assert_eq!(
        read,
        Rating {
            comment: Some("Cán bộ tiếp nhận chưa nhiệt tình".into()),
            rated_at: crate::hash::micros(rating.rated_at),
            ..rating.clone()
        }
    );
    // Once.
    let again = Rating {
        overall: Satisfaction::NotYetSatisfied,
        comment: None,
        ..rating.clone()
    };
    assert!(matches!(
        store.rate_dossier(&again).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(store.rating(returned.id).await.unwrap().unwrap(), read);
    assert!(store.rating(other.id).await.unwrap().is_none());
    // A blank comment is none; an unknown dossier is not found.
    store
        .rate_dossier(&Rating {
            dossier: other.id,
            comment: Some("  ".into()),
            ..rating.clone()
        })
        .await
        .unwrap();
    assert_eq!(store.rating(other.id).await.unwrap().unwrap().comment, None);
    assert!(matches!(
        store
            .rate_dossier(&Rating {
                dossier: DossierId::new(),
                ..rating.clone()
            })
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

fn attachment(name: &str, field: Option<&str>) -> NewAttachment {
    NewAttachment {
        file_name: name.into(),
        media_type: "application/pdf".into(),
        size: 1_000,
        sha256: Hash::of(name.as_bytes()),
        blob_key: Hash::of(name.as_bytes()).to_hex(),
        field: field.map(str::to_owned),
    }
}

pub async fn a_form_and_its_attachment_fields_round_trip(db: &dyn TestDatabase) {
    use motcua_domain::forms::FieldValue;
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let at = vn(2025, 9, 8, 9, 0);
    let mut new = f.new_dossier(at, 5);
    let mut form = sample_form();
    // Decomposed text is stored in NFC.
    form.0.insert(
        "ghi_chu".into(),
        FieldValue::Text("Đô\u{300}ng Tha\u{301}p".into()),
    );
    new.form = form;
    new.attachments = vec![
        attachment("to-khai.pdf", Some(" to_khai ")),
        attachment("cccd.pdf", Some("giay_to")),
        attachment("khac.pdf", Some("")),
        attachment("ghi-chu.pdf", None),
    ];
    let record = store.create_dossier(new).await.unwrap();
    let mut expected = sample_form();
    expected
        .0
        .insert("ghi_chu".into(), FieldValue::Text("Đồng Tháp".into()));
    assert_eq!(record.form, expected);
    assert_eq!(store.dossier(record.id).await.unwrap().unwrap(), record);
    let fields = |attachments: Vec<crate::model::Attachment>| {
        let mut v: Vec<(String, Option<String>)> = attachments
            .into_iter()
            .map(|a| (a.file_name, a.field))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        fields(store.attachments(record.id).await.unwrap()),
        vec![
            ("cccd.pdf".into(), Some("giay_to".into())),
            ("ghi-chu.pdf".into(), None),
            ("khac.pdf".into(), None),
            ("to-khai.pdf".into(), Some("to_khai".into())),
        ]
    );
    // The entry event records the form and each attachment's field.
    let events = store.events(record.id).await.unwrap();
    assert_eq!(
        events[0].payload["dossier"]["form"],
        serde_json::to_value(&expected).unwrap()
    );
    let recorded: BTreeSet<String> = events[0].payload["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.get("field").and_then(|f| f.as_str()).map(str::to_owned))
        .collect();
    assert_eq!(
        recorded,
        BTreeSet::from(["giay_to".to_owned(), "to_khai".to_owned()])
    );
    // A supplement answers a field too.
    let accepted = f
        .act(&record, Action::Accept, Role::ReceptionOfficer, at)
        .await;
    let event = accepted
        .state
        .decide(Action::Assign { to: None }, Role::Specialist, at, cw())
        .unwrap();
    let assigned = store
        .append_event(
            record.id,
            accepted.event_count,
            NewEvent {
                actor: None,
                event,
                attachments: vec![attachment("ban-ve.pdf", Some("ban_ve"))],
                jobs: vec![],
            },
        )
        .await
        .unwrap();
    assert_eq!(assigned.form, expected);
    let added = store
        .attachments(record.id)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.event_seq == 3)
        .unwrap();
    assert_eq!(added.field.as_deref(), Some("ban_ve"));
    assert_eq!(
        store
            .dossier_by_code(assigned.code.as_str())
            .await
            .unwrap()
            .unwrap()
            .form,
        expected
    );
    // A dossier without a form or fields records neither (and so hashes as
    // before forms were kept).
    let plain = f.create(at).await;
    assert!(plain.form.is_empty());
    let entry = &store.events(plain.id).await.unwrap()[0];
    assert!(entry.payload["dossier"].get("form").is_none());
    assert!(verify::verify(store.clone(), |_| {}).await.unwrap().is_ok());
    // A form holding a NUL is refused, and nothing is written.
    let mut bad = f.new_dossier(at, 5);
    bad.form
        .0
        .insert("x".into(), FieldValue::Text("a\0b".into()));
    let id = bad.id;
    assert!(matches!(
        store.create_dossier(bad).await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(store.dossier(id).await.unwrap().is_none());
}

pub async fn verify_catches_an_edited_form_or_attachment_field(db: &dyn TestDatabase) {
    use motcua_domain::forms::FieldValue;
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let at = vn(2025, 9, 8, 9, 0);
    let mut records = Vec::new();
    for i in 0..5 {
        let mut new = f.new_dossier(at + TimeDelta::minutes(i), 5);
        if i % 2 == 0 {
            new.form = sample_form();
        }
        new.attachments = vec![attachment(
            &format!("to-khai-{i}.pdf"),
            (i != 3).then_some("to_khai"),
        )];
        records.push(store.create_dossier(new).await.unwrap());
    }
    assert!(verify::verify(store.clone(), |_| {}).await.unwrap().is_ok());
    // Someone changes what the applicant declared …
    let mut edited = sample_form();
    edited
        .0
        .insert("ho_ten".into(), FieldValue::Text("Người khác".into()));
    db.tamper(Tamper::Form {
        dossier: records[0].id,
        form: serde_json::to_value(&edited).unwrap(),
    })
    .await;
    // … gives a form to a dossier filed without one …
    db.tamper(Tamper::Form {
        dossier: records[1].id,
        form: serde_json::to_value(sample_form()).unwrap(),
    })
    .await;
    // … moves a file to another field, or takes a field from it or gives one.
    db.tamper(Tamper::AttachmentField {
        dossier: records[2].id,
        field: Some("giay_to".into()),
    })
    .await;
    db.tamper(Tamper::AttachmentField {
        dossier: records[3].id,
        field: Some("to_khai".into()),
    })
    .await;
    db.tamper(Tamper::AttachmentField {
        dossier: records[4].id,
        field: None,
    })
    .await;
    let report = verify::verify(store.clone(), |_| {}).await.unwrap();
    let defects = |i: usize| {
        report
            .broken
            .iter()
            .find(|b| b.id == records[i].id)
            .map(|b| b.defects.clone())
            .unwrap_or_default()
    };
    assert_eq!(defects(0), vec![Defect::Header]);
    assert_eq!(defects(1), vec![Defect::Header]);
    for i in 2..5 {
        assert_eq!(defects(i), vec![Defect::Attachments { seq: 1 }], "{i}");
    }
    assert_eq!(report.broken.len(), 5);
}

pub async fn a_duplicate_dossier_id_is_a_conflict_that_changes_nothing(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let hoa = store
        .create_user(citizen("Trần Thị Hoa", "hoa@example.vn"))
        .await
        .unwrap();
    let at = vn(2025, 9, 8, 9, 0);
    let mut new = f.new_dossier(at, 5);
    new.applicant.user = Some(hoa.id);
    new.form = sample_form();
    new.attachments = vec![attachment("to-khai.pdf", Some("to_khai"))];
    new.jobs
        .push(NewJob::new("email.send", json!({"n": 1}), at));
    let first = store.create_dossier(new).await.unwrap();
    let events = store.events(first.id).await.unwrap();
    let attachments = store.attachments(first.id).await.unwrap();
    // The same submission again (a retry, a double click), and another
    // dossier under the same id: both refused.
    for later in [0, 60] {
        let mut twin = f.new_dossier(at + TimeDelta::minutes(later), 5);
        twin.id = first.id;
        twin.applicant.user = Some(hoa.id);
        twin.applicant.name = "Người khác".into();
        twin.attachments = vec![attachment("khac.pdf", None)];
        twin.jobs
            .push(NewJob::new("email.send", json!({"n": 2}), at));
        let err = store.create_dossier(twin).await;
        assert!(matches!(err, Err(StoreError::Conflict { .. })), "{err:?}");
    }
    assert_eq!(store.dossier(first.id).await.unwrap().unwrap(), first);
    assert_eq!(store.events(first.id).await.unwrap(), events);
    assert_eq!(store.attachments(first.id).await.unwrap(), attachments);
    // A refused creation under a draft's id leaves the draft (and takes
    // no code).
    let kept = draft(hoa.id, at);
    store.save_draft(&kept).await.unwrap();
    let saved = store.draft(kept.id).await.unwrap();
    assert!(saved.is_some());
    let mut clash = f.new_dossier(at, 5);
    clash.id = kept.id;
    clash.applicant.user = Some(hoa.id);
    clash.code = CodeSource::Upstream(first.code.clone());
    assert!(matches!(
        store.create_dossier(clash).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(store.draft(kept.id).await.unwrap(), saved);
    assert!(store.dossier(kept.id).await.unwrap().is_none());
    // Only the first creation's job exists.
    let jobs = store
        .claim_jobs("w", at + TimeDelta::days(1), TimeDelta::minutes(1), 10)
        .await
        .unwrap();
    assert_eq!(
        jobs.iter().map(|j| j.payload.clone()).collect::<Vec<_>>(),
        vec![json!({"n": 1})]
    );
    // No code was used up by the refused ones.
    assert_eq!(
        f.create(at).await.code.as_str(),
        "000.00.01.H29-250908-0002"
    );
    assert_eq!(
        store
            .dossiers_of_applicant(hoa.id, Page::first(10))
            .await
            .unwrap(),
        vec![first]
    );
}

pub async fn the_office_queue_puts_the_most_urgent_first(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let start = vn(2025, 9, 8, 9, 0);
    let minute = TimeDelta::minutes(1);
    // A counter dossier waiting for reception has no deadline of the office.
    let waiting = f.create(start).await;
    // Two accepted ones: 5 and 2 working days.
    let long = f
        .act(
            &f.create(start + minute).await,
            Action::Accept,
            Role::ReceptionOfficer,
            start + minute * 2,
        )
        .await;
    let mut short = f.new_dossier(start + minute * 3, 2);
    short.applicant.name = "Trần Văn Bình".into();
    short.applicant.identity_number = Some("087095000999".into());
    let short = store.create_dossier(short).await.unwrap();
    let short = f
        .act(
            &short,
            Action::Accept,
            Role::ReceptionOfficer,
            start + minute * 4,
        )
        .await;
    assert!(short.columns.in_office && short.columns.work_due < long.columns.work_due);
    // One assigned to a specialist; one returned (no longer in the office).
    let assigned = f
        .act(
            &short,
            Action::Assign {
                to: Some("specialist-1".into()),
            },
            Role::Specialist,
            start + minute * 5,
        )
        .await;
    assert_eq!(assigned.columns.assignee.as_deref(), Some("specialist-1"));
    let returned = f
        .walk_to_return(f.create(start + minute * 6).await, start + minute * 7)
        .await;
    assert!(!returned.columns.in_office && returned.columns.work_due.is_none());

    let ids = |v: Vec<DossierRecord>| v.into_iter().map(|d| d.id).collect::<Vec<_>>();
    let queue = |q: QueueQuery| {
        let store = store.clone();
        async move { store.office_queue(&q).await.unwrap() }
    };
    let all = queue(QueueQuery::of(vec![f.department.id], 10)).await;
    assert_eq!(ids(all), vec![short.id, long.id, waiting.id]);
    // The receiving centre sees the same; the commune nothing.
    assert_eq!(
        ids(queue(QueueQuery::of(vec![f.centre.id, f.department.id], 10)).await),
        vec![short.id, long.id, waiting.id]
    );
    assert!(
        queue(QueueQuery::of(vec![f.commune.id], 10))
            .await
            .is_empty()
    );
    assert!(queue(QueueQuery::of(vec![], 10)).await.is_empty());
    // Paging.
    let second = QueueQuery {
        offset: 1,
        limit: 1,
        ..QueueQuery::of(vec![f.department.id], 1)
    };
    assert_eq!(ids(queue(second).await), vec![long.id]);
    // Filters: stage, assignee, due before, search by code, identity, name.
    let by = |edit: &dyn Fn(&mut QueueQuery)| {
        let mut q = QueueQuery::of(vec![f.department.id], 10);
        edit(&mut q);
        q
    };
    assert_eq!(
        ids(queue(by(&|q| q.stages = vec![Stage::AwaitingReception])).await),
        vec![waiting.id]
    );
    assert_eq!(
        ids(queue(by(&|q| q.assignee = Some("specialist-1".into()))).await),
        vec![short.id]
    );
    let before = short.columns.work_due.unwrap() + minute;
    assert_eq!(
        ids(queue(by(&|q| q.due_before = Some(before))).await),
        vec![short.id]
    );
    let code = long.code.as_str().to_lowercase();
    assert_eq!(
        ids(queue(by(&|q| q.search = Some(code.clone()))).await),
        vec![long.id]
    );
    assert_eq!(
        ids(queue(by(&|q| q.search = Some(" 087095000999 ".into()))).await),
        vec![short.id]
    );
    assert_eq!(
        ids(queue(by(&|q| q.search = Some("van binh".into()))).await),
        vec![short.id]
    );
    assert!(
        queue(by(&|q| q.search = Some("100%".into())))
            .await
            .is_empty()
    );

    // Counts: at the short one's due date, it is overdue and the long one
    // is due within the next five days.
    let now = short.columns.work_due.unwrap() + minute;
    let counts = store
        .office_counts(
            &[f.department.id],
            now,
            long.columns.work_due.unwrap() + minute,
        )
        .await
        .unwrap();
    assert_eq!(
        counts,
        QueueCounts {
            open: 3,
            overdue: 1,
            due_soon: 1
        }
    );
    assert_eq!(
        store.office_counts(&[], now, now).await.unwrap(),
        QueueCounts::default()
    );
}

pub async fn an_agency_sent_a_step_may_see_the_dossier(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let start = vn(2025, 9, 8, 9, 0);
    let hour = TimeDelta::hours(1);
    let d = f.create(start).await;
    let d = f
        .act(&d, Action::Accept, Role::ReceptionOfficer, start)
        .await;
    let d = f
        .act(
            &d,
            Action::Assign { to: None },
            Role::Specialist,
            start + hour,
        )
        .await;
    assert!(store.dossier_step_agencies(d.id).await.unwrap().is_empty());
    let d = f
        .act(
            &d,
            Action::SendToAgency(Handover::single(
                f.commune.identifier.as_str().to_owned(),
                "Xác minh nơi cư trú",
            )),
            Role::Specialist,
            start + hour * 2,
        )
        .await;
    assert_eq!(
        store.dossier_step_agencies(d.id).await.unwrap(),
        vec![f.commune.id]
    );
    let at_commune = store
        .office_queue(&QueueQuery::of(vec![f.commune.id], 10))
        .await
        .unwrap();
    assert_eq!(
        at_commune.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![d.id]
    );
    // Back from the step, the commune still sees it (its step is history)
    // but owes nothing: it leaves the commune's queue and counts. An agency
    // unknown here adds no one.
    let d = f
        .act(
            &d,
            Action::ReturnFromAgency { agency: None },
            Role::Specialist,
            start + hour * 3,
        )
        .await;
    assert!(
        store
            .office_queue(&QueueQuery::of(vec![f.commune.id], 10))
            .await
            .unwrap()
            .is_empty()
    );
    let counts = store
        .office_counts(&[f.commune.id], start, start + hour * 100)
        .await
        .unwrap();
    assert_eq!(counts.open, 0);
    let d = f
        .act(
            &d,
            Action::SendToAgency(Handover::single("G01.99.99", "Hỏi ý kiến Bộ")),
            Role::Specialist,
            start + hour * 4,
        )
        .await;
    assert_eq!(
        store.dossier_step_agencies(d.id).await.unwrap(),
        vec![f.commune.id]
    );
}

pub async fn a_transfer_moves_the_dossier_and_its_timeline_still_verifies(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let start = vn(2025, 9, 8, 9, 0);
    let d = f.create(start).await;
    let d = f
        .act(&d, Action::Accept, Role::ReceptionOfficer, start)
        .await;
    let moved = f
        .act(
            &d,
            Action::Transfer {
                reason: "Sắp xếp đơn vị".into(),
                receiving_unit: None,
                deciding_agency: Some(f.commune.id.to_string()),
                step: None,
            },
            Role::System,
            start + TimeDelta::hours(1),
        )
        .await;
    assert_eq!(moved.receiving_unit, f.centre.id);
    assert_eq!(moved.deciding_agency, f.commune.id);
    let stored = store.dossier(d.id).await.unwrap().unwrap();
    assert_eq!(stored, moved);
    let events = store.events(d.id).await.unwrap();
    let attachments = store.attachments(d.id).await.unwrap();
    assert!(timeline::check(&stored, &events, &attachments).is_empty());
    // The new agency's queue has it; the old one's does not.
    let at = |agency: &Agency| QueueQuery::of(vec![agency.id], 10);
    assert_eq!(store.office_queue(&at(&f.commune)).await.unwrap().len(), 1);
    assert!(
        store
            .office_queue(&at(&f.department))
            .await
            .unwrap()
            .is_empty()
    );
    // Moving the row without a transfer is caught.
    let mut forged = stored.clone();
    forged.deciding_agency = f.department.id;
    assert!(!timeline::check(&forged, &events, &attachments).is_empty());
}

pub async fn whole_dossiers_are_read_by_range_as_they_are_one_by_one(db: &dyn TestDatabase) {
    let store = db.open().await;
    let mut ids = dossiers_in_every_office_state(store.clone()).await;
    let f = Fixture::load_or_new(store.clone()).await;
    for (i, name) in ["to-khai.pdf", "ban-ve.pdf"].iter().enumerate() {
        let mut new = f.new_dossier(vn(2025, 9, 9, 8, i as u32), 5);
        for part in 0..2u8 {
            new.attachments.push(NewAttachment {
                file_name: format!("{part}-{name}"),
                media_type: "application/pdf".into(),
                size: 1_000 + u64::from(part),
                sha256: Hash::of(&[part]),
                blob_key: Hash::of(&[part]).to_hex(),
                field: None,
            });
        }
        ids.push(store.create_dossier(new).await.unwrap().id);
    }
    // Some states are steps of one dossier (accepted, then assigned).
    ids.sort();
    ids.dedup();
    let mut one_by_one = Vec::new();
    for id in &ids {
        one_by_one.push(crate::model::WholeDossier {
            record: store.dossier(*id).await.unwrap().unwrap(),
            events: store.events(*id).await.unwrap(),
            attachments: store.attachments(*id).await.unwrap(),
        });
    }
    assert!(one_by_one.iter().any(|w| w.events.len() > 3));
    assert!(one_by_one.iter().any(|w| w.attachments.len() == 2));
    let last = *ids.last().unwrap();
    // From the first to the last: every dossier, in id order, as read alone.
    assert_eq!(store.whole_dossiers(None, last).await.unwrap(), one_by_one);
    // After is excluded, through is included.
    let middle = store.whole_dossiers(Some(ids[1]), ids[4]).await.unwrap();
    assert_eq!(middle, one_by_one[2..=4]);
    // Nothing after the last.
    let none = store.whole_dossiers(Some(last), last).await.unwrap();
    assert!(none.is_empty());
}

pub async fn a_units_dossiers_are_listed_in_the_order_they_came_in(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    // Entered out of order, two at the same instant, one before the period
    // and one after it, one received by another unit.
    let mut made = Vec::new();
    for (day, hour) in [(10, 9), (3, 8), (3, 8), (20, 15), (3, 14)] {
        made.push(f.create(vn(2025, 9, day, hour, 0)).await);
    }
    let before = f.create(vn(2025, 8, 31, 16, 0)).await;
    let after = f.create(vn(2025, 10, 1, 7, 30)).await;
    let mut elsewhere = f.new_dossier(vn(2025, 9, 5, 9, 0), 5);
    elsewhere.receiving_unit = f.commune.id;
    elsewhere.code = CodeSource::Allocate {
        agency: f.commune.identifier.clone(),
    };
    let elsewhere = store.create_dossier(elsewhere).await.unwrap();
    let (from, to) = (vn(2025, 9, 1, 0, 0), vn(2025, 10, 1, 0, 0));
    made.sort_by_key(|d| (d.state.entered_at, d.id));
    let expected: Vec<DossierId> = made.iter().map(|d| d.id).collect();

    let all = store
        .received_between(f.centre.id, from, to, Page::first(100))
        .await
        .unwrap();
    assert_eq!(all.iter().map(|d| d.id).collect::<Vec<_>>(), expected);
    assert!(
        all.iter()
            .all(|d| d.id != before.id && d.id != after.id && d.id != elsewhere.id)
    );
    assert_eq!(all[0], store.dossier(expected[0]).await.unwrap().unwrap());

    // Two at a time, the cursor between the two of the same instant.
    let mut paged = Vec::new();
    let mut page = Page::first(2);
    loop {
        let got = store
            .received_between(f.centre.id, from, to, page)
            .await
            .unwrap();
        let Some(last) = got.last() else { break };
        page = Page {
            after: Some((last.state.entered_at, last.id)),
            limit: 2,
        };
        paged.extend(got.iter().map(|d| d.id));
    }
    assert_eq!(paged, expected);

    // The other unit sees only its own.
    let theirs = store
        .received_between(f.commune.id, from, to, Page::first(100))
        .await
        .unwrap();
    assert_eq!(
        theirs.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![elsewhere.id]
    );
}

pub async fn captured_documents_are_found_by_their_holder(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let start = vn(2025, 9, 8, 9, 0);
    let hour = TimeDelta::hours(1);
    let d = f.create(start).await;
    let d = f
        .act(&d, Action::Accept, Role::ReceptionOfficer, start)
        .await;
    let document = |title: &str| CapturedDocument {
        type_code: "GKS".into(),
        number: Some("123/2020".into()),
        title: title.into(),
        summary: "Họ tên: Nguyễn Văn A; sinh ngày 01/02/2020".into(),
        issued_on: Some(NaiveDate::from_ymd_opt(2020, 2, 10).unwrap()),
        issuer: Some("UBND xã Mỹ Trà".into()),
        valid_until: None,
        scope: None,
    };
    let d = f
        .act(
            &d,
            Action::CaptureData(document("Giấy khai sinh")),
            Role::Specialist,
            start + hour,
        )
        .await;
    f.act(
        &d,
        Action::CaptureData(document("Trích lục kết hôn")),
        Role::Specialist,
        start + hour * 2,
    )
    .await;
    let found = store
        .captured_documents_of("087190000123", 10)
        .await
        .unwrap();
    let titles: Vec<&str> = found.iter().map(|r| r.document.title.as_str()).collect();
    assert_eq!(titles, vec!["Trích lục kết hôn", "Giấy khai sinh"]);
    assert_eq!(found[1].dossier, d.id);
    assert_eq!(found[1].code, d.code);
    assert_eq!(found[1].seq, 3);
    assert_eq!(found[1].at, start + hour);
    assert_eq!(found[1].document, document("Giấy khai sinh"));
    assert_eq!(
        store
            .captured_documents_of("087190000123", 1)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .captured_documents_of("001090000999", 10)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Dossiers in the states the back office's columns tell apart: an online
/// one waiting for reception (its 8-hour deadline), one whose clock runs,
/// one assigned, one returned, one whose result is being corrected, one
/// withdrawn. For the engines' tests of the migration that backfills those
/// columns.
pub async fn dossiers_in_every_office_state(store: Arc<dyn Store>) -> Vec<DossierId> {
    let f = Fixture::load_or_new(store.clone()).await;
    let start = vn(2025, 9, 8, 9, 13) + TimeDelta::microseconds(123_456);
    let hour = TimeDelta::hours(1);
    let mut online = f.new_dossier(start, 5);
    let (_, entry) = Dossier::enter(
        Channel::Online,
        Period::WorkingDays(5),
        Role::Applicant,
        start,
        cw(),
    )
    .unwrap();
    online.entry = entry;
    let online = store.create_dossier(online).await.unwrap();
    assert!(online.columns.work_due.is_some());
    let running = f
        .act(
            &f.create(start).await,
            Action::Accept,
            Role::ReceptionOfficer,
            start + hour,
        )
        .await;
    let assigned = f
        .act(
            &running,
            Action::Assign {
                to: Some("0192a000-0000-7000-8000-000000000009".into()),
            },
            Role::Specialist,
            start + hour * 2,
        )
        .await;
    let returned = f.walk_to_return(f.create(start).await, start + hour).await;
    let correcting = f
        .act(
            &f.walk_to_return(f.create(start).await, start + hour).await,
            Action::OpenCorrection {
                reason: "Sai ngày sinh".into(),
            },
            Role::Approver,
            start + hour * 6,
        )
        .await;
    assert!(correcting.columns.work_due.is_some());
    let withdrawn = f
        .act(
            &f.create(start).await,
            Action::Withdraw {
                reason: "Không cần nữa".into(),
            },
            Role::Applicant,
            start + hour,
        )
        .await;
    vec![
        online.id,
        running.id,
        assigned.id,
        returned.id,
        correcting.id,
        withdrawn.id,
    ]
}

/// The `UPDATE` statements of a migration file, in order (comments, which
/// may hold a `;`, dropped first): what a backfill test runs again.
pub fn update_statements(migration: &str) -> Vec<String> {
    let code: String = migration
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    code.split(';')
        .map(str::trim)
        .filter(|s| s.starts_with("UPDATE"))
        .map(str::to_owned)
        .collect()
}

/// The events of a dossier decided one after the other on its state, as
/// the generator and an importer make them.
fn decided(new: &NewDossier, steps: &[(Action, Role, DateTime<Utc>)]) -> Vec<NewEvent> {
    let mut state = Dossier::replay(std::slice::from_ref(&new.entry)).unwrap();
    steps
        .iter()
        .map(|(action, role, at)| {
            let event = state.decide(action.clone(), *role, *at, cw()).unwrap();
            state.apply(&event);
            NewEvent {
                actor: None,
                event,
                attachments: vec![],
                jobs: vec![],
            }
        })
        .collect()
}

pub async fn imported_dossiers_are_written_as_if_created_then_appended(db: &dyn TestDatabase) {
    let store = db.open().await;
    let f = Fixture::new(store.clone()).await;
    let start = vn(2025, 9, 8, 9, 0);
    let hour = TimeDelta::hours(1);
    let steps = [
        (Action::Accept, Role::ReceptionOfficer, start),
        (Action::Assign { to: None }, Role::Specialist, start + hour),
        (
            Action::SendToAgency(Handover::single(
                f.commune.identifier.as_str().to_owned(),
                "Xác minh nơi cư trú",
            )),
            Role::Specialist,
            start + hour * 2,
        ),
    ];
    let bare = f.new_dossier(start, 5);
    let walked = f.new_dossier(start, 5);
    let events = decided(&walked, &steps);
    let written = store
        .import_dossiers(vec![
            ImportedDossier {
                new: bare.clone(),
                events: vec![],
            },
            ImportedDossier {
                new: walked.clone(),
                events,
            },
        ])
        .await
        .unwrap();
    assert_eq!(written, 2);
    // The planner's figures are refreshed after a bulk import (twice: it
    // may be run again at any time), and reads go on as before.
    store.refresh_planner_statistics().await.unwrap();
    store.refresh_planner_statistics().await.unwrap();
    let bare = store.dossier(bare.id).await.unwrap().unwrap();
    assert_eq!(bare.event_count, 1);
    let imported = store.dossier(walked.id).await.unwrap().unwrap();
    assert_eq!(imported.event_count, 4);
    assert_eq!(imported.columns.stage, Stage::AtOtherAgency);
    // Codes follow on from each other in the batch.
    assert_ne!(bare.code, imported.code);
    let timeline = store.events(imported.id).await.unwrap();
    assert_eq!(timeline.len(), 4);
    assert!(crate::timeline::check(&imported, &timeline, &[]).is_empty());
    assert_eq!(
        store.dossier_step_agencies(imported.id).await.unwrap(),
        vec![f.commune.id]
    );

    // The same dossier made by a creation and appends has the same state,
    // columns and event documents.
    let mut made = f.create(start).await;
    for (action, role, at) in &steps {
        made = f.act(&made, action.clone(), *role, *at).await;
    }
    assert_eq!(made.state, imported.state);
    assert_eq!(made.columns, imported.columns);
    let made_events = store.events(made.id).await.unwrap();
    for (a, b) in made_events.iter().zip(&timeline).skip(1) {
        assert_eq!(a.payload, b.payload);
    }

    // One dossier refused refuses the batch: the good one before it is
    // not written either.
    let good = f.new_dossier(start, 5);
    let bad = f.new_dossier(start, 5);
    let mut illegal = decided(&bad, &steps[..1]);
    illegal.push(illegal[0].clone());
    let err = store
        .import_dossiers(vec![
            ImportedDossier {
                new: good.clone(),
                events: vec![],
            },
            ImportedDossier {
                new: bad.clone(),
                events: illegal,
            },
        ])
        .await
        .unwrap_err();
    assert!(!matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert!(store.dossier(good.id).await.unwrap().is_none());
    assert!(store.dossier(bad.id).await.unwrap().is_none());

    // A dossier imported again is a conflict and writes nothing.
    let again = store
        .import_dossiers(vec![
            ImportedDossier {
                new: good.clone(),
                events: vec![],
            },
            ImportedDossier {
                new: walked,
                events: vec![],
            },
        ])
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::Conflict { .. }), "{again:?}");
    assert!(store.dossier(good.id).await.unwrap().is_none());
}
